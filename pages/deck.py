"""Soạn bài giao ban: choose and order the slides, write notes, edit the commentary, save, freeze, export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from reform import briefing, charts, export, fmt, policy, sql
from reform.texts import t

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ui.page_header(t("page_deck"))
st.caption(t("dk_intro"))
period, scope, _ = ui.period_scope_or_stop()
con = ui.cursor()
who = ui.current()

if "dk_message" in st.session_state:
    st.success(st.session_state.pop("dk_message"), icon=":material/check_circle:")
if "dk_diff_shown" in st.session_state:
    changed = st.session_state.pop("dk_diff_shown")
    st.markdown(f"**{t('dk_diff')}**")
    ui.table(changed) if len(changed) else st.caption(t("dk_no_diff"))

choice = st.selectbox(t("dk_pick"), ["", *ui.deck_names()], format_func=lambda n: n or t("dk_new"), key="dk_pick")
saved = briefing.load(con, choice) if choice else None
base = saved.spec if saved else briefing.default_spec(con, scope, period.code, official=ui.official_choice(who))
frozen = bool(saved and saved.frozen)
if frozen:
    st.info(
        t("dk_is_frozen", when=f"{saved.frozen_at:%H:%M %d/%m/%Y}", upload=saved.frozen_upload_id),
        icon=":material/lock:",
    )
state = f"{choice}|{base.scope}|{base.period}"
name = st.text_input(t("dk_name"), value=base.name, key=f"dk_name|{state}", disabled=frozen)
official = st.segmented_control(  # the deck's own basis: a saved deck keeps it whatever the sidebar says
    t("basis"),
    [True, False],
    format_func=lambda o: t("basis_official" if o else "basis_all"),
    default=base.official,
    required=True,
    disabled=frozen,
    key=f"dk_basis|{state}",
)
st.caption(ui.basis_note(bool(official)))

# the slide list: kind and parameter as readable labels, mapped back to codes
cat = ui.run("catalog")
groups = dict(zip(cat["group_code"], cat["group_name"], strict=False))
params = {
    **{c: f"Nhóm: {n}" for c, n in groups.items()},
    **{c: f"Chỉ tiêu: {n}" for c, n in zip(cat["code"], cat["name_vi"], strict=True)},
}
kinds = {k: label for k, (label, _) in briefing.KINDS.items()}
rows = pd.DataFrame(
    {
        t("dk_col_order"): range(1, len(base.slides) + 1),
        t("dk_col_kind"): [kinds[s.key] for s in base.slides],
        t("dk_col_param"): [params.get(s.param) for s in base.slides],
        t("dk_col_notes"): [s.notes for s in base.slides],
    }
)
st.markdown(f"**{t('dk_slides')}**")
edited = st.data_editor(
    rows,
    num_rows="fixed" if frozen else "dynamic",
    hide_index=True,
    width="stretch",
    placeholder=ui.MISSING_CELL,
    key=f"dk_editor|{state}",
    disabled=[t("dk_col_order"), t("dk_col_kind"), t("dk_col_param")] if frozen else False,
    column_config={
        t("dk_col_order"): st.column_config.NumberColumn(min_value=1, step=1, width="small"),
        t("dk_col_kind"): st.column_config.SelectboxColumn(options=list(kinds.values()), required=True),
        t("dk_col_param"): st.column_config.SelectboxColumn(options=list(params.values())),
        t("dk_col_notes"): st.column_config.TextColumn(width="large"),
    },
)
by_kind, by_param = {v: k for k, v in kinds.items()}, {v: k for k, v in params.items()}
ordered = edited.dropna(subset=[t("dk_col_kind")]).sort_values(t("dk_col_order"), kind="stable")
old_texts = {(s.key, s.param): s.text for s in base.slides}
slides = [
    briefing.SlideSpec(
        by_kind[r[t("dk_col_kind")]], by_param.get(r[t("dk_col_param")], "") or "", str(r[t("dk_col_notes")] or "")
    )
    for _, r in ordered.iterrows()
]
for s in slides:
    s.text = old_texts.get((s.key, s.param))
spec = briefing.DeckSpec(name.strip(), base.scope, base.period, slides, bool(official))

# the commentary: generated from the figures, editable per slide
auto = saved.snapshot if frozen else ui.deck_figures(spec)  # generated sentences, before any edit
st.markdown(f"**{t('dk_texts')}**")
for i, (s, generated) in enumerate(zip(spec.slides, auto.slides, strict=True)):
    with st.expander(f"{i + 1}. {generated.title} · {generated.headline}"):
        text = st.text_area(
            t("dk_text_label"),
            value=s.text or generated.commentary,
            height=140,
            key=f"dk_text|{state}|{i}|{s.key}|{s.param}",
        )
        s.text = text if text.strip() and text.strip() != generated.commentary else None
        if s.text:
            st.caption(f"{t('dk_text_auto')}: {fmt.plain(generated.commentary)}")

shown = briefing.with_edits(auto, spec)


def _refused(action: str, target: str) -> None:
    policy.record(ui.cursor(), who, action, target, policy.REFUSED)
    st.session_state["dk_message_error"] = t("not_allowed")


def _save() -> None:
    if not policy.may_edit_deck(ui.cursor(), who, spec.name) or not policy.may_see(ui.cursor(), who, spec.scope):
        _refused("deck_save", spec.name)
        return
    try:
        briefing.save(ui.cursor(), spec)
        if who.id is not None:
            sql.execute(ui.cursor(), "deck_set_author", deck=spec.name, author_id=who.id)
        st.session_state["dk_pick"] = spec.name
        st.session_state["dk_message"] = t("dk_saved", name=fmt.plain(spec.name))
    except briefing.DeckError as exc:
        st.session_state["dk_message_error"] = str(exc)


def _freeze() -> None:
    _save()
    if "dk_message_error" not in st.session_state:
        deck = briefing.freeze(ui.cursor(), spec.name)
        policy.record(ui.cursor(), who, "freeze", spec.name)
        st.session_state["dk_message"] = t(
            "dk_frozen", name=fmt.plain(spec.name), when=f"{deck.footer.frozen_at:%H:%M %d/%m/%Y}"
        )


def _unfreeze() -> None:
    if not policy.may_unfreeze_deck(who):  # frozen figures are the record of a meeting
        _refused("unfreeze", spec.name)
        return
    _save()
    st.session_state["dk_diff_shown"] = briefing.unfreeze(ui.cursor(), spec.name)
    policy.record(ui.cursor(), who, "unfreeze", spec.name)
    st.session_state["dk_message"] = t("dk_unfrozen")


def _delete() -> None:
    if not policy.may_delete_deck(ui.cursor(), who, choice):  # a frozen deck: quản trị unfreezes it first
        _refused("deck_delete", choice)
        return
    briefing.delete(ui.cursor(), choice)
    policy.record(ui.cursor(), who, "deck_delete", choice)
    st.session_state["dk_pick"] = ""
    st.session_state["dk_message"] = t("dk_deleted", name=fmt.plain(choice))


buttons = st.columns(4)
buttons[0].button(t("dk_save"), icon=":material/save:", key="dk_save", on_click=_save, type="primary")
if frozen:
    buttons[1].button(t("dk_unfreeze"), icon=":material/lock_open:", key="dk_unfreeze", on_click=_unfreeze)
else:
    buttons[1].button(t("dk_freeze"), icon=":material/lock:", key="dk_freeze", on_click=_freeze)
if choice:
    buttons[2].button(t("dk_delete"), icon=":material/delete:", key="dk_delete", on_click=_delete)
    buttons[3].page_link(
        "pages/present.py",
        label=t("dk_present"),
        icon=":material/slideshow:",
        query_params={"bai": choice, "trang": "1"},
    )
if "dk_message_error" in st.session_state:
    ui.show_error_message(st.session_state.pop("dk_message_error"))
if frozen:
    changed = briefing.differences(saved.snapshot, ui.deck_figures(spec))
    with st.expander(f"{t('dk_diff')} ({len(changed)})"):
        ui.table(changed) if len(changed) else st.caption(t("dk_no_diff"))

st.markdown(f"### {t('dk_export')}")
stem = (spec.name or "giao_ban").replace("/", "-")
left, right = st.columns(2)
left.download_button(
    t("dk_pptx"),
    data=lambda: export.to_pptx(shown),
    file_name=f"{stem}.pptx",
    mime=PPTX_MIME,
    icon=":material/co_present:",
    key="dk_dl_pptx",
    on_click="ignore",
)
right.download_button(
    t("dk_pdf"),
    data=lambda: export.to_pdf(shown),
    file_name=f"{stem}.pdf",
    mime="application/pdf",
    icon=":material/picture_as_pdf:",
    key="dk_dl_pdf",
    on_click="ignore",
)

st.markdown(f"**{t('dk_chart_exports')}**")
with_chart = [i for i, s in enumerate(shown.slides) if s.chart is not None]
if with_chart:
    i = st.selectbox(
        t("dk_col_kind"), with_chart, format_func=lambda k: f"{k + 1}. {shown.slides[k].title}", key="dk_chart_pick"
    )
    slide = shown.slides[i]
    figure = charts.slide_figure(slide.chart)
    st.plotly_chart(figure, width="stretch", key="dk_chart_preview")
    header, table_rows = (slide.table.columns, slide.table.rows) if slide.table else slide.chart.table()
    cols = st.columns(3)
    if export.browser_path():
        cols[0].download_button(
            t("dk_png"),
            data=lambda: export.figure_png(figure),
            file_name=f"{stem}_{i + 1}.png",
            mime="image/png",
            key="dk_dl_png",
            on_click="ignore",
        )
    else:
        cols[0].caption(export.NO_BROWSER)
    cols[1].download_button(
        t("dk_xlsx"),
        data=lambda: export.table_xlsx(header, table_rows, title=slide.title),
        file_name=f"{stem}_{i + 1}.xlsx",
        mime=XLSX_MIME,
        key="dk_dl_xlsx",
        on_click="ignore",
    )
    cols[2].download_button(
        t("dk_csv"),
        data=lambda: export.table_csv(header, table_rows),
        file_name=f"{stem}_{i + 1}.csv",
        mime="text/csv",
        key="dk_dl_csv",
        on_click="ignore",
    )
