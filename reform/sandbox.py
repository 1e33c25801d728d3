"""Reading an upload in a child process: a hostile file costs that process its memory and time, never the server.

The server's pages share one process; a sheet that unpacks to a gigabyte, or a line of a million fields,
read on a page's own thread would hold memory and the interpreter every other session needs. Here the
bytes go to a process forked from a small server started once (the forkserver, with ingest already
imported, so a read starts in milliseconds), under a memory limit and a time limit; only the cells come
back. Past either limit the child is stopped and the uploader reads a Vietnamese message.
"""

from __future__ import annotations

import io
import multiprocessing as mp
import os
import resource
from multiprocessing import context, forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.connection import Connection

from reform import ingest
from reform.ingest import Grid, IngestError

READ_SECONDS = float(os.environ.get("REFORM_READ_SECONDS") or 30)
READ_MEMORY_MB = int(os.environ.get("REFORM_READ_MEMORY_MB") or 1024)

last_peak_mb: float | None = None  # the last child's peak memory (resident), for the bench and tests

_CTX = mp.get_context("forkserver")
_CTX.set_forkserver_preload(["reform.sandbox"])


class _Popen(popen_forkserver.Popen):
    """The forkserver's launch without re-running the parent's main module in the child.

    multiprocessing makes each child import the parent's __main__ again: under the dashboard, the
    server's command-line module and all it imports, 2 s per upload. The child needs only this module,
    which the forkserver has already imported. (The launch is multiprocessing's own, less that step.)
    """

    def _launch(self, process_obj: mp.Process) -> None:
        prep_data = spawn.get_preparation_data(process_obj._name)
        prep_data.pop("init_main_from_path", None)
        prep_data.pop("init_main_from_name", None)
        buf = io.BytesIO()
        context.set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            context.set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)
        _parent_w = os.dup(w)
        self.finalizer = util.Finalize(self, util.close_fds, (_parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _Process(_CTX.Process):
    @staticmethod
    def _Popen(process_obj: mp.Process) -> _Popen:
        return _Popen(process_obj)


def read(
    data: bytes, kind: str, lookup: dict[str, str], *, seconds: float | None = None, memory_mb: int | None = None
) -> Grid:
    """The Grid of an .xlsx, .xls or text file (kind as ingest.kind_of says), read in a child process."""
    seconds = READ_SECONDS if seconds is None else seconds
    receive, send = _CTX.Pipe(duplex=False)
    child = _Process(target=_child, args=(send, data, kind, lookup, memory_mb or READ_MEMORY_MB), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise IngestError(
                "E_READ_TIMEOUT",
                f"Đọc tệp quá {seconds:.0f} giây nên đã dừng (tệp quá lớn hoặc có cấu trúc bất thường). "
                "Hãy mở bằng Excel, xóa các dòng, cột thừa, lưu lại rồi tải lên; hoặc chia thành nhiều tệp.",
            )
        status, payload, peak_kb = receive.recv()
    except EOFError:  # the child died: the memory limit, or killed from outside
        raise _too_much_memory(memory_mb or READ_MEMORY_MB) from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()
    global last_peak_mb
    last_peak_mb = peak_kb / 1024
    if status == "ok":
        return payload
    if status == "memory":
        raise _too_much_memory(memory_mb or READ_MEMORY_MB)
    raise IngestError(*payload)


def _too_much_memory(memory_mb: int) -> IngestError:
    return IngestError(
        "E_READ_MEMORY",
        f"Đọc tệp cần quá {memory_mb} MB bộ nhớ nên đã dừng (tệp quá lớn hoặc có cấu trúc bất thường). "
        "Hãy mở bằng Excel, xóa các dòng, cột thừa, lưu lại rồi tải lên; hoặc chia thành nhiều tệp.",
    )


def _child(send: Connection, data: bytes, kind: str, lookup: dict[str, str], memory_mb: int) -> None:
    """In the child: limit the memory, read, send back the cells or the refusal."""
    _limit_memory(memory_mb)
    try:
        if kind == "text":
            grid = ingest.read_text(data)
        else:
            grid = (ingest.read_xlsx if kind == "xlsx" else ingest.read_xls)(data, lookup)
        del data
        send.send(("ok", grid, _peak_kb()))
    except IngestError as exc:
        send.send(("refused", (exc.code, exc.message), _peak_kb()))
    except MemoryError:
        send.send(("memory", None, _peak_kb()))
    finally:
        send.close()


def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _limit_memory(memory_mb: int) -> None:
    """Let the child's data grow by memory_mb beyond what it holds now (the forked server's modules)."""
    with open("/proc/self/status", encoding="ascii") as f:
        held = next((int(line.split()[1]) * 1024 for line in f if line.startswith("VmData:")), 0)
    limit = held + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
