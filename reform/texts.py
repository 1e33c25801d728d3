"""Interface strings in one place: Vietnamese first, English as a switchable second language."""

from __future__ import annotations

from reform.config import settings

VI = {
    "app_title": "Cải cách hành chính trong Đảng",
    "app_subtitle": "Theo dõi chỉ tiêu cải cách hành chính của các cấp ủy",
    "nav_analysis": "Phân tích",
    "page_overview": "Tổng quan",
    "demo_banner": "Dữ liệu minh họa: tỉnh Lâm Giang là tỉnh giả định, các số liệu không có thật.",
    "loading_demo": "Đang tạo dữ liệu minh họa cho lần chạy đầu tiên…",
    "empty_db": "Chưa có số liệu. Hãy tải lên báo cáo quý của các đơn vị, hoặc chạy `python -m reform demo` để xem dữ liệu minh họa.",
    "period": "Kỳ báo cáo",
    "scope": "Phạm vi",
    "reported": "{n}/{m} đơn vị đã báo cáo",
    "incomplete": "Số liệu {period} chưa đầy đủ: còn {k} đơn vị chưa báo cáo. Các số tổng có thể còn tăng khi các đơn vị này báo cáo.",
    "compare_note": "So sánh với cùng kỳ năm trước ({prev}). Tỷ lệ được tính lại từ tổng tử số và tổng mẫu số, thay đổi tính bằng điểm %.",
    "lineage_note": "Số liệu cùng kỳ quy đổi theo địa giới mới (các đơn vị sáp nhập từ 1/7/2025).",
    "all_indicators": "Tất cả chỉ tiêu nhóm {group}",
    "col_indicator": "Chỉ tiêu",
    "col_value": "Kỳ này",
    "col_previous": "Cùng kỳ",
    "col_change": "Tăng/giảm",
    "col_units": "Đơn vị báo cáo",
    "trend_title": "Các tỷ lệ chính qua các quý, {scope}",
    "trend_y": "Tỷ lệ (%)",
    "data_updated": "Số liệu cập nhật lần cuối: {when}",
    "no_data_period": "Chưa có số liệu {period} cho phạm vi này.",
    "error": "Đã xảy ra lỗi khi đọc dữ liệu: {detail}",
}

EN = {
    "app_title": "Administrative reform in the Party",
    "app_subtitle": "Tracking the administrative-reform indicators of Party committees",
    "nav_analysis": "Analysis",
    "page_overview": "Overview",
    "demo_banner": "Demo data: Lâm Giang is an invented province; none of these figures is real.",
    "loading_demo": "Creating the demo data on first start…",
    "empty_db": "No data yet. Upload the units' quarterly reports, or run `python -m reform demo` to see demo data.",
    "period": "Reporting period",
    "scope": "Scope",
    "reported": "{n}/{m} units have reported",
    "incomplete": "{period} is not complete: {k} units have not reported yet. Totals may still rise.",
    "compare_note": "Compared with the same period last year ({prev}). Rates are recomputed from summed numerators and denominators; their changes are in percentage points.",
    "lineage_note": "Last year's figures are mapped onto today's units (units merged on 1 July 2025).",
    "all_indicators": "All indicators: {group}",
    "col_indicator": "Indicator",
    "col_value": "This period",
    "col_previous": "Same period last year",
    "col_change": "Change",
    "col_units": "Units reporting",
    "trend_title": "Key rates by quarter, {scope}",
    "trend_y": "Rate (%)",
    "data_updated": "Data last changed: {when}",
    "no_data_period": "No data for {period} in this scope yet.",
    "error": "Something went wrong while reading the data: {detail}",
}

LANGUAGES = {"vi": VI, "en": EN}


def t(key: str, **values: object) -> str:
    """The interface string for key in the current language, with {placeholders} filled in."""
    table = LANGUAGES.get(settings().lang, VI)
    return table.get(key, VI[key]).format(**values)
