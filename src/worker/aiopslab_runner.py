#!/usr/bin/env python3
"""aiops AIOpsLab runner: drives one AIOpsLab problem with the real Orchestrator.

Embedded in the `aiops` binary and run by the worker as
    python3 -c <this script> [MODE] [options]      or
    python3 runner.py [MODE] [options]

Modes (stdlib only, Python 3.9+; only `aiopslab` itself is imported from outside):
    check           import aiopslab + Orchestrator; print one JSON line {"ok": true, ...}
    list-problems   print {"problems": [{"id", "task_type", ...}], "count": N}
    run (default)   read the task JSON on stdin, run it, write $AIOPS_RESULT_FILE

Exit codes:
    0 success
    1 the run failed (exception in AIOpsLab or the agent); partial result still written
    2 invalid input (task JSON, agent_config, max_steps, problem id missing, agent not buildable)
    3 aiopslab (or its Orchestrator) cannot be imported by this Python
    4 unknown problem id (init_problem raised ValueError "... not found in registry")
    128+N terminated by signal N (SIGTERM/SIGINT); partial result still written

Every line this script itself emits on stdout is one JSON object:
    {"message": str, "level": "debug|info|warning|error", "context": {...}}      log line
    {"progress": {"step": n, "max_steps": M}, "message": "agent step n/M", ...}  progress
Whatever AIOpsLab or the agent prints goes to stdout/stderr as plain lines.
Errors additionally end with one plain line on stderr ("aiopslab runner: ...").
"""

import argparse
import asyncio
import glob
import importlib
import inspect
import json
import os
import re
import signal
import sys
import time
import traceback
from pathlib import Path

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_NO_AIOPSLAB = 3
EXIT_UNKNOWN_PROBLEM = 4

DEFAULT_MAX_STEPS = 10
ACTION_PREVIEW_CHARS = 2000
TASK_TYPES = ("detection", "localization", "analysis", "mitigation")

# ---------------------------------------------------------------------------
# Output: keep our own handle on the real stdout (fd 1), so JSON lines reach
# the worker even when AIOpsLab replaces sys.stdout (Session.start_print_capture)
# or someone dup2()s fd 1 later.
# ---------------------------------------------------------------------------


def _open_real_stdout():
    try:
        return os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8", errors="replace")
    except Exception:  # pragma: no cover - fd 1 closed?
        return sys.__stdout__ or sys.stdout


_REAL_STDOUT = _open_real_stdout()

# Plain prints (ours are not plain, AIOpsLab's are) should not sit in a buffer.
for _stream in (sys.stdout, sys.stderr):
    try:
        _stream.reconfigure(line_buffering=True)
    except Exception:
        pass


def _json_default(value):
    """json.dumps fallback: never let an odd value break a log line or the result."""
    try:
        import enum

        if isinstance(value, enum.Enum):
            return value.name
    except Exception:
        pass
    for attr in ("model_dump", "dict"):
        fn = getattr(value, attr, None)
        if callable(fn):
            try:
                return fn()
            except Exception:
                pass
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _dumps(obj, **kw):
    try:
        return json.dumps(obj, default=_json_default, ensure_ascii=False, **kw)
    except Exception as exc:  # circular references and the like
        return json.dumps({"message": str(obj.get("message", "")) if isinstance(obj, dict) else str(obj),
                           "level": "warning",
                           "context": {"encoding_error": repr(exc), "raw": repr(obj)[:4000]}})


def _flush_others():
    for stream in (sys.stdout, sys.__stdout__, sys.stderr, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except Exception:
            pass


def emit(obj):
    """Write one JSON object as one line on the real stdout and flush."""
    _flush_others()  # so a pending plain line does not get glued to ours
    line = _dumps(obj).replace("\n", "\\n")
    try:
        _REAL_STDOUT.write(line + "\n")
        _REAL_STDOUT.flush()
    except Exception:
        pass


def log(message, level="info", **context):
    obj = {"message": message, "level": level}
    if context:
        obj["context"] = context
    emit(obj)


def stderr_line(text):
    _flush_others()
    try:
        err = sys.__stderr__ or sys.stderr
        err.write("aiopslab runner: " + " ".join(str(text).split("\n")) + "\n")
        err.flush()
    except Exception:
        pass


class RunnerError(Exception):
    """An expected failure with a clear message and an exit code."""

    def __init__(self, message, code=EXIT_FAILED, **context):
        Exception.__init__(self, message)
        self.message = message
        self.code = code
        self.context = context


class Terminated(BaseException):
    """Raised from the SIGTERM/SIGINT handler; BaseException so broad `except
    Exception` blocks in agents or AIOpsLab do not swallow it."""

    def __init__(self, signum):
        BaseException.__init__(self, "terminated by signal %d" % signum)
        self.signum = signum


def fail(err, **extra_context):
    """Report a RunnerError: one structured line on stdout, one plain line on stderr."""
    ctx = dict(err.context)
    ctx.update(extra_context)
    ctx.setdefault("exit_code", err.code)
    log(err.message, "error", **ctx)
    stderr_line(err.message)
    return err.code


# ---------------------------------------------------------------------------
# aiopslab import
# ---------------------------------------------------------------------------


def _install_hint(exc):
    return ("aiopslab is not importable by %s: %s: %s; install AIOpsLab (pip install -e <checkout>) "
            "or pass --python PATH to a Python that has it"
            % (sys.executable, type(exc).__name__, exc))


def import_aiopslab():
    """Import aiopslab and its Orchestrator; return (module, Orchestrator).

    AIOpsLab may print while importing: keep those prints off our stdout JSON.
    Raises RunnerError(EXIT_NO_AIOPSLAB) with a fix-it hint."""
    saved = sys.stdout
    sys.stdout = sys.stderr
    try:
        try:
            import aiopslab  # noqa: F401
        except Exception as exc:
            raise RunnerError(_install_hint(exc), EXIT_NO_AIOPSLAB,
                              python=sys.executable, error=repr(exc))
        try:
            from aiopslab.orchestrator import Orchestrator
        except Exception as exc:
            where = getattr(aiopslab, "__file__", None) or str(getattr(aiopslab, "__path__", "?"))
            raise RunnerError(
                "aiopslab was found at %s but `from aiopslab.orchestrator import Orchestrator` failed "
                "under %s: %s: %s; check AIOpsLab's dependencies (pip install -e <checkout>) and its "
                "aiopslab/config.yml, or pass --python PATH to a Python where it works"
                % (where, sys.executable, type(exc).__name__, exc),
                EXIT_NO_AIOPSLAB, python=sys.executable, error=repr(exc),
                traceback=traceback.format_exc())
        return aiopslab, Orchestrator
    finally:
        sys.stdout = saved


def aiopslab_info(mod):
    version = getattr(mod, "__version__", None)
    if version is None:
        try:
            from importlib import metadata  # Python 3.8+

            version = metadata.version("aiopslab")
        except Exception:
            version = None
    path = getattr(mod, "__file__", None)
    if path is None:
        paths = list(getattr(mod, "__path__", []) or [])
        path = paths[0] if paths else None
    return {"aiopslab_version": version, "aiopslab_path": path,
            "python": sys.executable, "python_version": sys.version.split()[0]}


# ---------------------------------------------------------------------------
# check / list-problems
# ---------------------------------------------------------------------------


def cmd_check(_args):
    try:
        mod, _orch = import_aiopslab()
    except RunnerError as err:
        stderr_line(err.message)
        return err.code
    info = {"ok": True}
    info.update(aiopslab_info(mod))
    emit(info)
    return EXIT_OK


_SUFFIX_RE = re.compile(r"-(detection|localization|analysis|mitigation)(?:-\d+)?$")
_ANYWHERE_RE = re.compile(r"(?:^|[_-])(detection|localization|analysis|mitigation)(?=[_-]|$)")


def task_type_of(problem_id):
    pid = str(problem_id)
    m = _SUFFIX_RE.search(pid)
    if m:
        return m.group(1)
    # e.g. noop_detection_hotel_reservation-1
    found = _ANYWHERE_RE.findall(pid)
    return found[-1] if found else None


def registry_problem_ids(registry):
    ids = None
    getter = getattr(registry, "get_problem_ids", None)
    if callable(getter):
        try:
            ids = getter(task_type=None)
        except TypeError:
            ids = getter()
    if ids is None:
        table = getattr(registry, "PROBLEM_REGISTRY", None)
        if isinstance(table, dict):
            ids = table.keys()
    if ids is None:
        raise RunnerError("ProblemRegistry exposes neither get_problem_ids() nor PROBLEM_REGISTRY",
                          EXIT_FAILED)
    seen, out = set(), []
    for pid in ids:
        pid = str(pid)
        if pid not in seen:
            seen.add(pid)
            out.append(pid)
    return out


def cmd_list_problems(_args):
    try:
        import_aiopslab()
        saved = sys.stdout
        sys.stdout = sys.stderr
        try:
            from aiopslab.orchestrator.problems.registry import ProblemRegistry

            registry = ProblemRegistry()
            ids = registry_problem_ids(registry)
        finally:
            sys.stdout = saved
    except RunnerError as err:
        stderr_line(err.message)
        return err.code
    except Exception as exc:
        stderr_line("cannot list AIOpsLab problems: %s: %s" % (type(exc).__name__, exc))
        return EXIT_FAILED
    deploy = getattr(registry, "get_problem_deployment", None)
    problems = []
    for pid in ids:
        item = {"id": pid, "task_type": task_type_of(pid)}
        if callable(deploy):
            try:
                item["deployment"] = deploy(pid)
            except Exception:
                pass
        problems.append(item)
    emit({"problems": problems, "count": len(problems)})
    return EXIT_OK


# ---------------------------------------------------------------------------
# run
# ---------------------------------------------------------------------------


def _env(name):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value


def read_task(args):
    if args.task_file:
        try:
            with open(args.task_file, "r", encoding="utf-8") as fh:
                raw = fh.read()
        except OSError as exc:
            raise RunnerError("cannot read --task-file %s: %s" % (args.task_file, exc), EXIT_USAGE)
    elif sys.stdin is None or sys.stdin.closed:
        raw = ""
    else:
        try:
            if sys.stdin.isatty():
                raw = ""
            else:
                raw = sys.stdin.read()
        except Exception:
            raw = ""
    if not raw.strip():
        return {}
    try:
        task = json.loads(raw)
    except ValueError as exc:
        raise RunnerError("the task JSON on stdin is invalid: %s" % exc, EXIT_USAGE)
    if not isinstance(task, dict):
        raise RunnerError("the task JSON on stdin must be an object, got %s" % type(task).__name__,
                          EXIT_USAGE)
    return task


def _parameters(task):
    params = task.get("parameters")
    if isinstance(params, str):
        try:
            params = json.loads(params)
        except ValueError:
            params = None
    if params is None:
        env_params = _env("AIOPS_PARAMETERS")
        if env_params:
            try:
                params = json.loads(env_params)
            except ValueError:
                params = None
    return params if isinstance(params, dict) else {}


def resolve_config(args, task):
    """Merge CLI options > env > task JSON. Returns a dict or raises RunnerError(EXIT_USAGE)."""
    params = _parameters(task)

    problem_id = args.problem_id or _env("AIOPS_PROBLEM_ID") or task.get("problem_id") \
        or params.get("problem_id")
    if not problem_id or not isinstance(problem_id, str):
        raise RunnerError("no problem id: set the task's problem_id (env AIOPS_PROBLEM_ID)", EXIT_USAGE)

    # agent_config
    agent_config = None
    source = None
    if args.agent:
        agent_config = {"agent": args.agent}
        source = "--agent"
    else:
        env_cfg = _env("AIOPS_AGENT_CONFIG")
        if env_cfg is not None and env_cfg.strip() != "null":
            try:
                agent_config = json.loads(env_cfg)
            except ValueError as exc:
                raise RunnerError("AIOPS_AGENT_CONFIG is not valid JSON: %s" % exc, EXIT_USAGE)
            source = "AIOPS_AGENT_CONFIG"
        if agent_config is None and task.get("agent_config") is not None:
            agent_config, source = task.get("agent_config"), "task.agent_config"
        if agent_config is None and params.get("agent_config") is not None:
            agent_config, source = params.get("agent_config"), "task.parameters.agent_config"
    if isinstance(agent_config, str):
        agent_config = {"agent": agent_config}
    if agent_config is None:
        agent_config = {}
    if not isinstance(agent_config, dict):
        raise RunnerError("agent_config must be a JSON object like {\"agent\": \"module:Class\", "
                          "\"kwargs\": {...}}, got %s" % type(agent_config).__name__, EXIT_USAGE)
    agent_config = dict(agent_config)
    if args.agent_kwargs:
        try:
            agent_config["kwargs"] = json.loads(args.agent_kwargs)
        except ValueError as exc:
            raise RunnerError("--agent-kwargs is not valid JSON: %s" % exc, EXIT_USAGE)
    spec = agent_config.get("agent")
    if not spec or not isinstance(spec, str):
        raise RunnerError(
            "agent_config.agent is missing: set the task's agent_config to {\"agent\": \"module:Class\", "
            "\"kwargs\": {...}} (the class must be importable by %s)" % sys.executable,
            EXIT_USAGE, agent_config=agent_config, source=source)
    kwargs = agent_config.get("kwargs")
    if kwargs is None:
        kwargs = {}
    if not isinstance(kwargs, dict):
        raise RunnerError("agent_config.kwargs must be a JSON object, got %s" % type(kwargs).__name__,
                          EXIT_USAGE)

    # max_steps
    raw_steps = None
    for candidate in (args.max_steps, _env("AIOPS_MAX_STEPS"), task.get("max_steps"),
                      params.get("max_steps")):
        if candidate is not None:
            raw_steps = candidate
            break
    if raw_steps is None:
        max_steps = DEFAULT_MAX_STEPS
    else:
        try:
            max_steps = int(str(raw_steps).strip())
        except ValueError:
            raise RunnerError("max_steps must be a positive integer, got %r" % (raw_steps,), EXIT_USAGE)
        if max_steps < 1:
            raise RunnerError("max_steps must be a positive integer, got %r" % (raw_steps,), EXIT_USAGE)

    workdir = Path(args.workdir or _env("AIOPS_WORKDIR") or os.getcwd())
    result_file = Path(args.result_file or _env("AIOPS_RESULT_FILE") or (workdir / "result.json"))
    agent_name = agent_config.get("name") or "agent"
    return {
        "task_id": task.get("id") or _env("AIOPS_TASK_ID"),
        "problem_id": problem_id,
        "agent_spec": spec,
        "agent_kwargs": kwargs,
        "agent_name": str(agent_name),
        "agent_config_source": source,
        "max_steps": max_steps,
        "workdir": workdir,
        "results_dir": workdir / "results",
        "result_file": result_file,
    }


def load_agent_class(spec):
    if ":" in spec:
        module_name, _, attr_path = spec.partition(":")
    elif "." in spec:
        module_name, _, attr_path = spec.rpartition(".")
    else:
        raise RunnerError("agent_config.agent %r must look like \"module:Class\"" % spec, EXIT_USAGE)
    if not module_name or not attr_path:
        raise RunnerError("agent_config.agent %r must look like \"module:Class\"" % spec, EXIT_USAGE)
    try:
        obj = importlib.import_module(module_name)
    except Exception as exc:
        raise RunnerError(
            "cannot import agent module %r (agent_config.agent=%r) with %s: %s: %s; make it importable "
            "(PYTHONPATH, pip install) for that Python" % (module_name, spec, sys.executable,
                                                           type(exc).__name__, exc),
            EXIT_USAGE, traceback=traceback.format_exc(), sys_path=sys.path)
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise RunnerError("agent module %r has no attribute %r (agent_config.agent=%r)"
                              % (module_name, attr_path, spec), EXIT_USAGE)
    if not callable(obj):
        raise RunnerError("agent_config.agent %r is not a class or factory" % spec, EXIT_USAGE)
    return obj


class AgentProxy(object):
    """Used only when get_action cannot be patched on the agent instance (__slots__...)."""

    def __init__(self, agent, get_action):
        object.__setattr__(self, "_agent", agent)
        object.__setattr__(self, "get_action", get_action)

    def __getattr__(self, name):
        return getattr(object.__getattribute__(self, "_agent"), name)

    def __setattr__(self, name, value):
        setattr(object.__getattribute__(self, "_agent"), name, value)


class StepCounter(object):
    def __init__(self, max_steps):
        self.max_steps = max_steps
        self.step = 0
        self.last_action = None


def instrument_agent(agent, counter):
    """Wrap agent.get_action so each call reports progress. Returns the object to register."""
    original = getattr(agent, "get_action", None)
    if not callable(original):
        raise RunnerError("the agent %s has no get_action(input) method (AIOpsLab requires "
                          "`async def get_action(self, input: str) -> str`)" % type(agent).__name__,
                          EXIT_USAGE)

    async def get_action(input):  # noqa: A002 - AIOpsLab's parameter name
        counter.step += 1
        n = counter.step
        reply = original(input)
        if inspect.isawaitable(reply):
            reply = await reply
        text = reply if isinstance(reply, str) else str(reply)
        counter.last_action = text
        emit({"progress": {"step": n, "max_steps": counter.max_steps},
              "message": "agent step %d/%d" % (n, counter.max_steps),
              "level": "info",
              "context": {"action": text[:ACTION_PREVIEW_CHARS],
                          "action_chars": len(text)}})
        return reply

    try:
        agent.get_action = get_action
        return agent
    except Exception:
        return AgentProxy(agent, get_action)


def instrument_env(orch, counter):
    """Log each environment observation at debug level (best effort)."""
    original = getattr(orch, "ask_env", None)
    if not callable(original) or not inspect.iscoroutinefunction(original):
        return

    async def ask_env(input):  # noqa: A002
        resp = await original(input)
        try:
            text = resp if isinstance(resp, str) else _json_default(resp)
            text = str(text)
            log("env response to step %d" % counter.step, "debug",
                observation=text[:ACTION_PREVIEW_CHARS], observation_chars=len(text))
        except Exception:
            pass
        return resp

    try:
        orch.ask_env = ask_env
    except Exception:
        pass


def make_orchestrator(Orchestrator, results_dir):
    accepts = None
    try:
        params = inspect.signature(Orchestrator).parameters
        accepts = "results_dir" in params or any(
            p.kind == inspect.Parameter.VAR_KEYWORD for p in params.values())
    except (TypeError, ValueError):
        accepts = None
    if accepts is False:
        log("this AIOpsLab's Orchestrator() does not accept results_dir; using Orchestrator() "
            "(the session file goes to AIOpsLab's default results dir)", "warning",
            results_dir=str(results_dir))
        return Orchestrator(), False
    try:
        return Orchestrator(results_dir=results_dir), True
    except TypeError as exc:
        if "results_dir" not in str(exc):
            raise
        log("Orchestrator(results_dir=...) was rejected (%s); using Orchestrator() (the session "
            "file goes to AIOpsLab's default results dir)" % exc, "warning",
            results_dir=str(results_dir))
        return Orchestrator(), False


def convert_history(items):
    out = []
    if items is None:
        return out
    try:
        iterator = list(items)
    except Exception:
        return [{"role": None, "content": str(items)}]
    for item in iterator:
        role = content = None
        data = None
        if isinstance(item, dict):
            data = item
        else:
            for attr in ("model_dump", "dict"):
                fn = getattr(item, attr, None)
                if callable(fn):
                    try:
                        data = fn()
                        break
                    except Exception:
                        data = None
        if isinstance(data, dict):
            role, content = data.get("role"), data.get("content")
        else:
            role = getattr(item, "role", None)
            content = getattr(item, "content", None)
            if role is None and content is None:
                content = str(item)
        if content is not None and not isinstance(content, str):
            content = _json_default(content) if not isinstance(content, (dict, list, int, float, bool)) \
                else content
        out.append({"role": None if role is None else str(role), "content": content})
    return out


TIME_KEYS = ("TTD", "TTL", "TTA", "TTM")


def compute_overhead(out, results, orch, state):
    """Return (framework_overhead, error-or-None)."""
    if isinstance(out, dict) and "framework_overhead" in out:
        return out.get("framework_overhead"), None
    start = getattr(orch, "execution_start_time", None) or state.get("init_started_at")
    end = getattr(orch, "execution_end_time", None) or state.get("start_finished_at") or time.time()
    if not isinstance(results, dict):
        return None, "no results dict to compute framework_overhead from"
    key = next((k for k in TIME_KEYS if k in results), None)
    if key is None:
        return None, "results have no %s key" % "/".join(TIME_KEYS)
    try:
        return float(end) - float(start) - float(results[key]), None
    except Exception as exc:
        return None, "cannot compute framework_overhead: %r" % (exc,)


def find_session_file(orch, results_dir, session_id):
    dirs = []
    rd = getattr(getattr(orch, "session", None), "results_dir", None) or getattr(orch, "results_dir", None)
    if rd:
        dirs.append(Path(rd))
    dirs.append(Path(results_dir))
    try:
        from aiopslab.paths import RESULTS_DIR  # AIOpsLab's default

        dirs.append(Path(RESULTS_DIR))
    except Exception:
        pass
    seen = set()
    for d in dirs:
        key = str(d)
        if key in seen or not d.is_dir():
            continue
        seen.add(key)
        if session_id:
            hits = sorted(glob.glob(os.path.join(glob.escape(key), glob.escape(str(session_id)) + "*.json")))
            if hits:
                return hits[-1]
    # No id match: newest json in our own results dir
    try:
        candidates = sorted(Path(results_dir).glob("*.json"), key=lambda p: p.stat().st_mtime)
        if candidates:
            return str(candidates[-1])
    except Exception:
        pass
    return None


def write_result(path, payload):
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except Exception:
        pass
    try:
        text = json.dumps(payload, default=_json_default, ensure_ascii=False, indent=2)
    except Exception as exc:
        # last resort: stringify everything that is not plain
        text = json.dumps({k: (v if isinstance(v, (str, int, float, bool, type(None))) else str(v))
                           for k, v in payload.items()}, indent=2)
        log("result had values that could not be encoded; wrote them as strings", "warning",
            error=repr(exc))
    tmp = path.with_name(path.name + ".tmp")
    with open(str(tmp), "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.write("\n")
    os.replace(str(tmp), str(path))


def build_result(cfg, orch, agent, out, state, error=None):
    session = getattr(orch, "session", None) if orch is not None else None
    if isinstance(out, dict):
        results = out.get("results")
        history_src = out.get("history")
        final_state = out.get("final_state")
    else:
        results = getattr(session, "results", None) if session is not None else None
        history_src = getattr(session, "history", None) if session is not None else None
        final_state = None
    overhead, overhead_error = (None, None)
    if orch is not None:
        overhead, overhead_error = compute_overhead(out, results, orch, state)
    if state.get("overhead_error"):
        overhead_error = state["overhead_error"]
    session_id = getattr(session, "session_id", None) if session is not None else None
    session_file = None
    if orch is not None:
        try:
            session_file = find_session_file(orch, cfg["results_dir"], session_id)
        except Exception:
            session_file = None
    payload = {
        "results": results,
        "history": convert_history(history_src),
        "final_state": final_state,
        "framework_overhead": overhead,
        "session_id": None if session_id is None else str(session_id),
        "session_file": session_file,
        "system_message": getattr(agent, "system_message", None) if agent is not None else None,
        "task_message": getattr(agent, "task_message", None) if agent is not None else None,
        "problem_id": cfg["problem_id"],
        "agent": cfg["agent_name"],
        "agent_class": cfg["agent_spec"],
        "max_steps": cfg["max_steps"],
        "steps_taken": state.get("steps", 0),
        "task_id": cfg.get("task_id"),
        "problem": state.get("problem"),
        "timings": state.get("timings", {}),
        "aiopslab": state.get("aiopslab"),
    }
    if overhead_error:
        payload["framework_overhead_error"] = overhead_error
    if error is not None:
        payload["error"] = error
    return payload


def _install_signal_handlers():
    def handler(signum, _frame):
        # Only the first signal raises: fault recovery (atexit) must not be interrupted.
        for s in (signal.SIGTERM, signal.SIGINT):
            try:
                signal.signal(s, signal.SIG_IGN)
            except Exception:
                pass
        raise Terminated(signum)

    for s in (signal.SIGTERM, signal.SIGINT):
        try:
            signal.signal(s, handler)
        except Exception:
            pass


def cmd_run(args):
    _install_signal_handlers()
    try:
        task = read_task(args)
        cfg = resolve_config(args, task)
    except RunnerError as err:
        return fail(err)

    # Agent modules are commonly found relative to the work dir / cwd.
    for extra in (os.getcwd(), str(cfg["workdir"])):
        if extra not in sys.path:
            sys.path.append(extra)

    try:
        mod, Orchestrator = import_aiopslab()
    except RunnerError as err:
        return fail(err)

    state = {"timings": {}, "steps": 0, "aiopslab": aiopslab_info(mod)}
    orch = agent = out = None
    counter = StepCounter(cfg["max_steps"])
    log("aiopslab runner starting", "info",
        problem_id=cfg["problem_id"], agent=cfg["agent_spec"], agent_name=cfg["agent_name"],
        max_steps=cfg["max_steps"], workdir=str(cfg["workdir"]), results_dir=str(cfg["results_dir"]),
        result_file=str(cfg["result_file"]), agent_config_source=cfg["agent_config_source"],
        **state["aiopslab"])
    t_all = time.time()
    phase = "setup"
    try:
        # 1. agent
        phase = "build_agent"
        agent_cls = load_agent_class(cfg["agent_spec"])
        try:
            agent = agent_cls(**cfg["agent_kwargs"])
        except Exception as exc:
            raise RunnerError("cannot construct agent %s(**kwargs): %s: %s"
                              % (cfg["agent_spec"], type(exc).__name__, exc), EXIT_USAGE,
                              traceback=traceback.format_exc(), kwargs=cfg["agent_kwargs"])
        registered = instrument_agent(agent, counter)

        # 2. orchestrator
        phase = "orchestrator"
        try:
            cfg["results_dir"].mkdir(parents=True, exist_ok=True)
        except Exception:
            pass
        orch, _ = make_orchestrator(Orchestrator, cfg["results_dir"])
        instrument_env(orch, counter)
        orch.register_agent(registered, name=cfg["agent_name"])

        async def drive():
            # init_problem runs inside the event loop so problems whose workload
            # is async (asyncio.create_task in init_problem) share the loop with
            # start_problem; init_problem itself stays a plain blocking call.
            nonlocal phase
            phase = "init_problem"
            log("init_problem started", "info", problem_id=cfg["problem_id"])
            t0 = state["init_started_at"] = time.time()
            try:
                task_desc, instructions, apis = orch.init_problem(cfg["problem_id"])
            except ValueError as exc:
                if "not found" in str(exc) or "registry" in str(exc).lower():
                    raise RunnerError(
                        "unknown AIOpsLab problem id %r: %s (run `list-problems` to see the ids)"
                        % (cfg["problem_id"], exc), EXIT_UNKNOWN_PROBLEM, problem_id=cfg["problem_id"])
                raise
            state["timings"]["init_problem_seconds"] = round(time.time() - t0, 3)
            state["problem"] = {"task_description": task_desc, "instructions": instructions,
                                "apis": apis}
            log("init_problem finished", "info", problem_id=cfg["problem_id"],
                duration_seconds=state["timings"]["init_problem_seconds"],
                session_id=str(getattr(getattr(orch, "session", None), "session_id", None)))

            phase = "init_context"
            init_context = getattr(agent, "init_context", None)
            if callable(init_context):
                r = init_context(task_desc, instructions, apis)
                if inspect.isawaitable(r):
                    await r
            else:
                log("agent has no init_context(); skipped", "info")

            phase = "start_problem"
            log("start_problem started", "info", max_steps=cfg["max_steps"])
            t1 = time.time()
            try:
                return await orch.start_problem(max_steps=cfg["max_steps"])
            finally:
                state["start_finished_at"] = time.time()
                state["timings"]["start_problem_seconds"] = round(time.time() - t1, 3)

        try:
            out = asyncio.run(drive())
        except KeyError as exc:
            # AIOpsLab computes framework_overhead as total - results[TTx] and raises KeyError
            # after the run finished when no TTx key exists: keep the finished run.
            session = getattr(orch, "session", None)
            results = getattr(session, "results", None)
            if phase == "start_problem" and getattr(session, "end_time", None) and results:
                state["overhead_error"] = "start_problem raised %r after evaluation (framework_overhead)" \
                    % (exc,)
                log("start_problem raised after evaluation; keeping the session's results", "warning",
                    error=repr(exc), traceback=traceback.format_exc())
                out = None
            else:
                raise
        state["steps"] = counter.step
        state["timings"]["total_seconds"] = round(time.time() - t_all, 3)
        payload = build_result(cfg, orch, agent, out, state)
        write_result(cfg["result_file"], payload)
        log("start_problem finished", "info", steps=counter.step,
            duration_seconds=state["timings"].get("start_problem_seconds"),
            results=payload.get("results"), framework_overhead=payload.get("framework_overhead"),
            session_file=payload.get("session_file"), result_file=str(cfg["result_file"]))
        return EXIT_OK
    except RunnerError as err:
        state["steps"] = counter.step
        _write_partial(cfg, orch, agent, state, phase, err.message, "RunnerError", None)
        return fail(err, phase=phase)
    except Terminated as exc:
        state["steps"] = counter.step
        msg = "terminated by signal %d during %s; AIOpsLab's atexit fault recovery runs on exit" % (
            exc.signum, phase)
        _write_partial(cfg, orch, agent, state, phase, msg, "Terminated", None)
        log(msg, "error", phase=phase, signal=exc.signum, steps=counter.step)
        stderr_line(msg)
        return 128 + exc.signum
    except BaseException as exc:  # noqa: B902 - report everything, including SystemExit from agents
        state["steps"] = counter.step
        tb = traceback.format_exc()
        msg = "%s failed: %s: %s" % (phase, type(exc).__name__, exc)
        _write_partial(cfg, orch, agent, state, phase, msg, type(exc).__name__, tb)
        log(msg, "error", phase=phase, error_type=type(exc).__name__, error=str(exc),
            traceback=tb, steps=counter.step, exit_code=EXIT_FAILED)
        stderr_line(msg)
        return EXIT_FAILED


def _write_partial(cfg, orch, agent, state, phase, message, error_type, tb):
    try:
        payload = build_result(cfg, orch, agent, None, state,
                               error={"phase": phase, "type": error_type, "message": message,
                                      "traceback": tb})
        write_result(cfg["result_file"], payload)
    except Exception as exc:
        log("could not write the partial result file: %r" % (exc,), "warning")


# ---------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="aiopslab_runner",
        description="Run an AIOpsLab problem (aiops worker runner).")
    sub = parser.add_subparsers(dest="mode")
    sub.add_parser("check", help="check that aiopslab and its Orchestrator import")
    sub.add_parser("list-problems", help="print the problem ids as JSON")
    run = sub.add_parser("run", help="run the task read from stdin (default)")
    for p in (parser, run):
        p.add_argument("--problem-id", default=None, help="overrides AIOPS_PROBLEM_ID / task.problem_id")
        p.add_argument("--agent", default=None, help="module:Class, overrides agent_config.agent")
        p.add_argument("--agent-kwargs", default=None, help="JSON object, overrides agent_config.kwargs")
        p.add_argument("--max-steps", default=None, help="overrides AIOPS_MAX_STEPS / task max_steps")
        p.add_argument("--result-file", default=None, help="overrides AIOPS_RESULT_FILE")
        p.add_argument("--workdir", default=None, help="overrides AIOPS_WORKDIR")
        p.add_argument("--task-file", default=None, help="read the task JSON from this file, not stdin")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    mode = args.mode or "run"
    if mode == "check":
        return cmd_check(args)
    if mode == "list-problems":
        return cmd_list_problems(args)
    return cmd_run(args)


if __name__ == "__main__":
    code = main()
    _flush_others()
    try:
        _REAL_STDOUT.flush()
    except Exception:
        pass
    sys.exit(code)
