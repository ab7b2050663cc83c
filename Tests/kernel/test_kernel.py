"""The `rec` Jupyter kernel as Jupyter's own clients meet it (jupyter_client, nbclient, nbformat).

Run by Tests/WorkbenchTests/KernelTests.swift (CI) as
    python test_kernel.py REC_BINARY DATA_DIR
It installs the kernelspec into a temporary prefix, executes a notebook converted from
Tests/kernel/demo.rec, then drives a kernel directly: completion, completeness, inspection,
interrupts (control message and SIGINT) that keep the session, restart and shutdown.
Prints one line per check and "N passed, M failed"; exits 1 when any failed.
"""
import json, os, signal, subprocess, sys, tempfile, time, traceback

REC, DATA = sys.argv[1], sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = tempfile.mkdtemp(prefix="rec-kernel-test-")
os.environ["JUPYTER_PATH"] = os.path.join(PREFIX, "share", "jupyter")
os.environ["JUPYTER_RUNTIME_DIR"] = os.path.join(PREFIX, "runtime")
os.environ["JUPYTER_PLATFORM_DIRS"] = "1"

import nbformat  # noqa: E402  (after JUPYTER_PATH, which jupyter_core reads)
from jupyter_client.manager import start_new_kernel  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish  # noqa: E402


def rec(*args):
    return subprocess.run([REC, *args], capture_output=True, text=True, timeout=60)


@check("kernel install writes the kernelspec")
def _():
    r = rec("kernel", "install", "--prefix", PREFIX, "--data", DATA)
    assert r.returncode == 0, r.stderr
    spec = json.load(open(os.path.join(PREFIX, "share/jupyter/kernels/rec/kernel.json")))
    assert spec["argv"][1:4] == ["kernel", "-f", "{connection_file}"], spec
    assert os.path.isabs(spec["argv"][0]) and spec["language"] == "rec", spec
    assert spec["argv"][4:] == ["--data", os.path.abspath(DATA)], spec


def outputs_of(cell):
    return [o for o in cell.get("outputs", [])]


@check("a notebook executes end to end: SVG chart, HTML tables, an error cell that does not end the kernel")
def _():
    path = os.path.join(PREFIX, "demo.ipynb")
    r = rec("convert", os.path.join(HERE, "demo.rec"), path)
    assert r.returncode == 0, r.stderr
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    NotebookClient(nb, kernel_name="rec", timeout=120, allow_errors=True, startup_timeout=30).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    by_source = {c.source.split("\n")[0]: c for c in code}
    fit = by_source["hist = fit(bpr(score, negatives: 32), split.train, adagrad(lr: 0.05), epochs: 3, validate: split.valid_cold)"]
    streams = "".join(o.get("text", "") for o in outputs_of(fit) if o.output_type == "stream")
    assert "epoch 3/3" in streams and "valid ndcg@20" in streams, streams
    plot = by_source["plot(hist)"]
    svg = [o for o in outputs_of(plot) if "image/svg+xml" in o.get("data", {})]
    assert svg and "<svg" in svg[0].data["image/svg+xml"] and "validation ndcg" in svg[0].data["image/svg+xml"], outputs_of(plot)
    assert svg[0].output_type == "execute_result" and "text/plain" in svg[0].data
    evaluation = by_source["evaluate(score, split.test_warm, k: 20)"]
    html = [o.data["text/html"] for o in outputs_of(evaluation) if "text/html" in o.get("data", {}) and "<table>" in o.data["text/html"]]
    assert html and "ndcg@20" in html[0] and "<td" in html[0], outputs_of(evaluation)
    error = by_source["evaluat(score, split.test_warm)"]
    errors = [o for o in outputs_of(error) if o.output_type == "error"]
    assert errors and "did you mean evaluate?" in "\n".join(errors[0].traceback) and "^~~~~~~" in errors[0].traceback, errors
    compare = by_source["compare(model: score, popularity: baseline(\"popularity\", split.train), on: split.test_warm)"]
    assert any("<table>" in o.get("data", {}).get("text/html", "") for o in outputs_of(compare)), "the cell after the error ran"
    variables = [o.data["text/html"] for o in outputs_of(by_source["vars()"]) if "text/html" in o.get("data", {})]
    assert variables and "<th style=\"text-align: left\">name</th>" in variables[0] and ">hist</td>" in variables[0], outputs_of(by_source["vars()"])


def gone(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return any(line.startswith("State:") and "Z" in line for line in f)
    except FileNotFoundError:
        return True


@check("a kernel whose client died ends by itself")
def _():
    client = ("import time; from jupyter_client.manager import start_new_kernel\n"
              "km, kc = start_new_kernel(kernel_name='rec', startup_timeout=30)\n"
              "print(km.provisioner.process.pid, flush=True); time.sleep(120)")
    p = subprocess.Popen([sys.executable, "-c", client], stdout=subprocess.PIPE, text=True)
    pid = int(p.stdout.readline())
    p.kill()
    p.wait()
    deadline = time.time() + 15
    while time.time() < deadline and not gone(pid):
        time.sleep(0.2)
    if not gone(pid):
        os.kill(pid, signal.SIGKILL)
        raise AssertionError(f"kernel {pid} still ran 15 s after its client died")
    print(f"      ended {15 - (deadline - time.time()):.1f} s after its client", flush=True)


km, kc = start_new_kernel(kernel_name="rec", startup_timeout=30)


def execute(code, timeout=60):
    outputs = []
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: outputs.append(m))
    return reply["content"], outputs


def shell_reply(msg_id, timeout=10):
    deadline = time.time() + timeout
    while True:
        m = kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
        if m["parent_header"].get("msg_id") == msg_id:
            return m["content"]


@check("kernel_info names the language rec")
def _():
    info = kc.kernel_info(reply=True, timeout=10)["content"]
    assert info["protocol_version"] == "5.3" and info["language_info"]["name"] == "rec", info
    assert info["language_info"]["file_extension"] == ".rec", info


@check("complete_request: 'evalu' completes to evaluate, replacing the word")
def _():
    c = kc.complete("x = evalu", reply=True, timeout=10)["content"]
    assert "evaluate" in c["matches"] and c["cursor_start"] == 4 and c["cursor_end"] == 9, c


@check("is_complete_request: an open bracket is incomplete, a stray one invalid")
def _():
    assert shell_reply(kc.is_complete("y = fit(loss,"))["status"] == "incomplete"
    assert shell_reply(kc.is_complete("y = (1 + 2"))["status"] == "incomplete"
    assert shell_reply(kc.is_complete("y = 1 + 2)"))["status"] == "invalid"
    assert shell_reply(kc.is_complete("y = (1 +\n 2)"))["status"] == "complete"


@check("inspect_request: the ? help of a builtin")
def _():
    r = kc.inspect("evaluate(score", 3, reply=True, timeout=10)["content"]
    assert r["found"] and r["data"]["text/plain"].startswith("evaluate("), r


@check("comm_open to a target the kernel lacks is closed at once (a widget front end stops waiting)")
def _():
    msg = kc.session.msg("comm_open", {"comm_id": "c-1", "target_name": "jupyter.widget", "data": {}})
    kc.shell_channel.send(msg)
    deadline = time.time() + 10
    while True:
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if m["msg_type"] == "comm_close" and m["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
            assert m["content"]["comm_id"] == "c-1", m
            break


def wait_for_training(msg_id, timeout=30):
    """Until the cell reports training progress (the fit is running)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = kc.get_iopub_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] in ("display_data", "update_display_data", "stream"):
            return
    raise AssertionError("the long fit reported no progress")


def interrupt_long_fit(interrupt, name):
    msg_id = kc.execute(f"{name} = fit(bpr(score), split.train, epochs: 100000)\n\"after\"")
    wait_for_training(msg_id)
    start = time.time()
    interrupt()
    reply = shell_reply(msg_id, timeout=10)
    took = time.time() - start
    assert reply["status"] == "error" and reply["ename"] == "interrupted", reply
    print(f"      interrupted after {took:.2f} s", flush=True)
    content, outputs = execute(f"{name}.epochs")
    assert content["status"] == "ok", content
    epochs = [o["content"]["data"]["text/plain"] for o in outputs if o["msg_type"] == "execute_result"]
    assert epochs and int(epochs[0]) < 100000, outputs


@check("interrupt_request stops a long fit; the variables are kept")
def _():
    content, _ = execute('ml = movielens("demo", plots: "demo/plots.tsv")\nsplit = ml.split()\n'
                         'score = dot(embedding(ml.users, 16), embedding(ml.items, 16))')
    assert content["status"] == "ok", content
    interrupt_long_fit(km.interrupt_kernel, "long")
    r = kc.inspect("long.epochs", 8, reply=True, timeout=10)["content"]
    assert r["found"] and "history.epochs" in r["data"]["text/plain"], r
    content, outputs = execute("score")
    assert content["status"] == "ok" and any(o["msg_type"] == "execute_result" for o in outputs), content


@check("SIGINT stops a long fit the same way")
def _():
    interrupt_long_fit(lambda: os.kill(km.provisioner.process.pid, signal.SIGINT), "long2")


@check("restart starts a fresh session; shutdown ends the process")
def _():
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=30)
    content, _ = execute("score")
    assert content["status"] == "error" and content["ename"] == "unknown name", content
    content, _ = execute("1 + 1")
    assert content["status"] == "ok", content
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    assert not km.is_alive()


sys.exit(0 if finish() else 1)
