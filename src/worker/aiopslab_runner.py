#!/usr/bin/env python3
"""aiops AIOpsLab runner: drives one AIOpsLab problem with the real Orchestrator.

Embedded in the `aiops` binary and run by the worker as
    python3 -c <this script> [MODE] [options]      or
    python3 runner.py [MODE] [options]

Modes (stdlib only, Python 3.9+; only `aiopslab` itself is imported from outside):
    check           import aiopslab, build a real Orchestrator() on this worker's cluster;
                    print one JSON line {"ok": true, ...}
    list-problems   print {"problems": [{"id", "task_type", ...}], "count": N}
    doctor          each step of `check` as {"checks": [{"name", "ok", "detail", "fix"}]}
    cleanup         undo what a killed attempt left on the cluster: AIOpsLab's fault recovery
                    and application cleanup for the problem named in --marker FILE
    run (default)   read the task JSON on stdin, run it, write $AIOPS_RESULT_FILE

The cluster comes from the worker, never from ~/.kube/config (see `adapt_to_cluster`):
    AIOPS_BACKEND   kind | existing | none (unset: no cluster, as for `none`)
    AIOPS_CLUSTER   the worker's cluster name
    KUBECONFIG      the worker's kubeconfig (kind, existing)
    AIOPS_KUBE_CONTEXT  the context to use with `existing` (default: the kubeconfig's current one)

Exit codes:
    0 success
    1 the run failed (exception in AIOpsLab or the agent); partial result still written
    2 invalid input (task JSON, agent_config, max_steps, problem id missing, agent not buildable,
      an API key the agent needs is not set)
    3 aiopslab (or its Orchestrator) cannot be imported or built by this Python
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
import atexit
import importlib
import inspect
import json
import os
import re
import shutil
import signal
import sys
import tempfile
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
# The worker's cluster, and no other
# ---------------------------------------------------------------------------

# The context of the kubeconfig the runner writes when the worker has no cluster.
NO_CLUSTER_CONTEXT = "aiops-no-cluster"
_NO_CLUSTER_KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- name: aiops-no-cluster
  cluster:
    server: https://no-cluster.invalid:6443
contexts:
- name: aiops-no-cluster
  context:
    cluster: aiops-no-cluster
    user: aiops-no-cluster
current-context: aiops-no-cluster
users:
- name: aiops-no-cluster
  user: {}
"""


def _no_cluster_kubeconfig():
    """A kubeconfig whose only server cannot resolve: AIOpsLab loads it at import without
    reading ~/.kube/config, and anything that tries to reach a cluster fails at once."""
    folder = tempfile.mkdtemp(prefix="aiops-no-cluster-")
    atexit.register(shutil.rmtree, folder, True)
    path = os.path.join(folder, "kubeconfig")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(_NO_CLUSTER_KUBECONFIG)
    return path


def cluster_setup():
    """What the worker gave this process: backend, cluster, kubeconfig and context."""
    backend = _env("AIOPS_BACKEND") or "none"
    cluster = _env("AIOPS_CLUSTER")
    kubeconfig = _env("KUBECONFIG") if backend in ("kind", "existing") else None
    if backend == "kind" and cluster:
        context = "kind-" + cluster
    elif backend == "existing":
        context = _env("AIOPS_KUBE_CONTEXT")
    else:
        context = None
    if kubeconfig is None:
        kubeconfig, context = _no_cluster_kubeconfig(), NO_CLUSTER_CONTEXT
    return {"backend": backend, "cluster": cluster, "kubeconfig": kubeconfig, "context": context}


def adapt_to_cluster(setup):
    """Point every way AIOpsLab reaches a cluster at the worker's own, before it is imported.

    AIOpsLab loads ~/.kube/config when the orchestrator is imported (observer/__init__.py),
    `KubeCtl()` picks the context `kind-$AIOPSLAB_CLUSTER` (else `kind-kind`), and its helm and
    kubectl subprocesses use whatever KUBECONFIG says. So: KUBECONFIG is the worker's file for
    the subprocesses, AIOPSLAB_CLUSTER is set only for `kind` (where AIOpsLab's own convention
    names the right context), and every load_kube_config() is given the worker's file and
    context whatever its caller asked for."""
    os.environ["KUBECONFIG"] = setup["kubeconfig"]
    if setup["backend"] == "kind" and setup["cluster"]:
        os.environ["AIOPSLAB_CLUSTER"] = setup["cluster"]
    else:
        os.environ.pop("AIOPSLAB_CLUSTER", None)
    try:
        import kubernetes.config as kconfig
        from kubernetes.config import kube_config
    except Exception:
        return  # without the kubernetes client nothing of AIOpsLab's can load a kubeconfig
    real = kube_config.load_kube_config
    if getattr(real, "_aiops_adapted", False):
        return
    names = ("config_file", "context", "client_configuration", "persist_config", "temp_file_path")

    def load_kube_config(*args, **kwargs):
        bound = dict(zip(names, args))
        bound.update(kwargs)
        bound["config_file"] = setup["kubeconfig"]
        bound["context"] = setup["context"]
        return real(**bound)

    load_kube_config._aiops_adapted = True
    kube_config.load_kube_config = load_kube_config
    kconfig.load_kube_config = load_kube_config


def adapt_shell(setup):
    """Send the agent's exec_shell to the worker's cluster.

    AIOpsLab runs it as `docker exec kind-control-plane …` when config.yml says `k8s_host:
    kind`, which is the node of a cluster named `kind`. Here: `kind` runs it in the worker's
    own node container `<cluster>-control-plane`; `existing` runs it on this host with the
    worker's KUBECONFIG; `none` has no cluster and answers with an error the agent can read."""
    try:
        from aiopslab.service.shell import Shell
    except Exception:
        return
    backend, cluster = setup["backend"], setup["cluster"]
    if backend == "kind" and cluster:
        node = cluster + "-control-plane"

        def run(command, input_data=None, cwd=None, timeout=30):
            return Shell.docker_exec(node, command, timeout=timeout)
    elif backend == "existing":
        def run(command, input_data=None, cwd=None, timeout=30):
            return Shell.local_exec(command, input_data, cwd, timeout=timeout)
    else:
        def run(command, input_data=None, cwd=None, timeout=30):
            return ("[ERROR] Command execution failed: this aiops worker has no cluster "
                    "(--backend none), so %r cannot run" % (command,))
    Shell.exec = staticmethod(run)


# ---------------------------------------------------------------------------
# aiopslab import
# ---------------------------------------------------------------------------


def _install_hint(exc):
    return ("aiopslab is not importable by %s: %s: %s; install AIOpsLab (pip install -e <checkout>) "
            "or pass --python PATH to a Python that has it"
            % (sys.executable, type(exc).__name__, exc))


def explain_setup_error(exc, tb, setup, doing):
    """One actionable line for a failure to import AIOpsLab or build its Orchestrator."""
    text = "%s: %s" % (type(exc).__name__, str(exc)[:300])
    if "tiktoken" in tb or "openaipublic" in tb:
        return ("AIOpsLab could not load its tokenizer (tiktoken cl100k_base, loaded at import) under "
                "%s: %s; set TIKTOKEN_CACHE_DIR to a directory that holds it (offline hosts) or give "
                "this host network access" % (sys.executable, text))
    if isinstance(exc, FileNotFoundError) and "config.yml" in str(exc):
        return ("AIOpsLab's config.yml is missing (%s); copy aiopslab/config.yml.example to "
                "aiopslab/config.yml in the checkout and set k8s_host" % getattr(exc, "filename", exc))
    if type(exc).__name__ == "ConfigException" or "kube-config" in str(exc):
        where = "the worker's kubeconfig %s" % setup["kubeconfig"]
        if setup["context"] and ("context" in str(exc) or "Expected object with name" in str(exc)):
            return ("%s has no context %r (%s); give the cluster's kubeconfig (for kind: "
                    "`kind get kubeconfig --name %s`)" % (where, setup["context"], text,
                                                         setup["cluster"] or "NAME"))
        return "%s cannot be used: %s; check the file (kubectl --kubeconfig FILE get --raw /readyz)" % (
            where, text)
    return ("%s failed under %s: %s; check AIOpsLab's dependencies (pip install -e <checkout>) and "
            "its aiopslab/config.yml, or pass --python PATH to a Python where it works"
            % (doing, sys.executable, text))


def import_aiopslab(setup):
    """Adapt to the worker's cluster, then import aiopslab and its Orchestrator.

    AIOpsLab may print while importing: keep those prints off our stdout JSON.
    Raises RunnerError(EXIT_NO_AIOPSLAB) with a fix-it line."""
    saved = sys.stdout
    sys.stdout = sys.stderr
    try:
        adapt_to_cluster(setup)
        try:
            import aiopslab  # noqa: F401
        except Exception as exc:
            raise RunnerError(_install_hint(exc), EXIT_NO_AIOPSLAB,
                              python=sys.executable, error=repr(exc))
        try:
            from aiopslab.orchestrator import Orchestrator
        except Exception as exc:
            tb = traceback.format_exc()
            raise RunnerError(
                explain_setup_error(exc, tb, setup, "`from aiopslab.orchestrator import Orchestrator`"),
                EXIT_NO_AIOPSLAB, python=sys.executable, error=repr(exc), traceback=tb)
        adapt_shell(setup)
        return aiopslab, Orchestrator
    finally:
        sys.stdout = saved


def aiopslab_config():
    """AIOpsLab's config.yml as it loaded it (k8s_host and friends), or None."""
    try:
        from aiopslab.paths import config

        return {"path": str(config.config_path), "k8s_host": config.get("k8s_host")}
    except Exception:
        return None


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


def build_orchestrator(Orchestrator, setup, **kwargs):
    """Orchestrator(), with a failure to build it (kubeconfig, context) as a RunnerError."""
    saved = sys.stdout
    sys.stdout = sys.stderr
    try:
        return Orchestrator(**kwargs)
    except Exception as exc:
        tb = traceback.format_exc()
        raise RunnerError(explain_setup_error(exc, tb, setup, "Orchestrator()"), EXIT_NO_AIOPSLAB,
                          error=repr(exc), traceback=tb)
    finally:
        sys.stdout = saved


def cmd_check(_args):
    setup = cluster_setup()
    try:
        mod, Orchestrator = import_aiopslab(setup)
        build_orchestrator(Orchestrator, setup)
    except RunnerError as err:
        stderr_line(err.message)
        return err.code
    info = {"ok": True, "orchestrator": True, "backend": setup["backend"],
            "kubeconfig": setup["kubeconfig"], "context": setup["context"],
            "config": aiopslab_config()}
    info.update(aiopslab_info(mod))
    emit(info)
    return EXIT_OK


def cmd_doctor(_args):
    """One JSON line {"checks": [...]} for `aiops doctor`: each step of what `check` does,
    reported on its own so the first missing piece is named."""
    setup = cluster_setup()
    checks = []

    def add(name, ok, detail, fix=None):
        checks.append({"name": name, "ok": ok, "detail": detail, "fix": None if ok else fix})
        return ok

    saved = sys.stdout
    sys.stdout = sys.stderr
    try:
        adapt_to_cluster(setup)
        try:
            import aiopslab

            info = aiopslab_info(aiopslab)
            ok = add("aiopslab", True, "%s (%s)" % (info["aiopslab_path"], info["aiopslab_version"]))
        except Exception as exc:
            ok = add("aiopslab", False, "%s cannot import aiopslab: %s: %s"
                     % (sys.executable, type(exc).__name__, exc),
                     "install AIOpsLab into this Python (pip install -e <checkout>) or pass --python PATH")
        if ok:
            try:
                cfg = aiopslab_config()
                if cfg is None:
                    from aiopslab.paths import config  # noqa: F401 - raises the reason
                host = cfg.get("k8s_host")
                add("config.yml", host is not None, "%s: k8s_host %s" % (cfg["path"], host),
                    "set k8s_host in %s (kind for kind clusters)" % cfg["path"])
            except Exception as exc:
                add("config.yml", False, "%s: %s" % (type(exc).__name__, exc),
                    "copy aiopslab/config.yml.example to aiopslab/config.yml in the checkout")
            try:
                import tiktoken

                tiktoken.encoding_for_model("gpt-3.5-turbo")
                add("tokenizer", True, "cl100k_base loads (TIKTOKEN_CACHE_DIR=%s)"
                    % (_env("TIKTOKEN_CACHE_DIR") or "unset"))
            except Exception as exc:
                add("tokenizer", False, "tiktoken cannot load cl100k_base: %s: %s"
                    % (type(exc).__name__, str(exc)[:200]),
                    "set TIKTOKEN_CACHE_DIR to a directory that holds it, or give this host network access")
            try:
                _mod, Orchestrator = import_aiopslab(setup)
                build_orchestrator(Orchestrator, setup)
                add("orchestrator", True, "Orchestrator() built on %s (context %s)"
                    % (setup["kubeconfig"], setup["context"]))
            except RunnerError as err:
                add("orchestrator", False, "Orchestrator() cannot be built", err.message)
    finally:
        sys.stdout = saved
    emit({"checks": checks})
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
        import_aiopslab(cluster_setup())
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
            "agent_config.agent is missing: set the task's agent_config to {\"agent\": \"gpt\"} "
            "(a name from AIOpsLab's registry) or {\"agent\": \"module:Class\", \"kwargs\": {...}} "
            "(importable by %s)" % sys.executable,
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
    kept_results = _env("AIOPS_RESULTS_DIR")
    agent_name = agent_config.get("name") or spec
    return {
        "task_id": task.get("id") or _env("AIOPS_TASK_ID"),
        "problem_id": problem_id,
        "agent_spec": spec,
        "agent_kwargs": kwargs,
        "agent_name": str(agent_name),
        "agent_config_source": source,
        "max_steps": max_steps,
        "workdir": workdir,
        "results_dir": Path(kept_results) if kept_results else workdir / "results",
        "results_kept": kept_results is not None,
        "result_file": result_file,
        "cluster_marker": _env("AIOPS_CLUSTER_MARKER"),
    }


# AIOpsLab's agent registry (clients/registry.py) by short name, with the environment variables
# each client reads its credentials from. A client built without them fails late and often
# names the wrong variable (DeepSeek's says OPENAI_API_KEY), so they are checked first.
AGENT_KEYS = {
    "gpt": ("OPENAI_API_KEY",),
    "qwen": ("DASHSCOPE_API_KEY",),
    "deepseek": ("DEEPSEEK_API_KEY",),
    "vllm": (),
    "openrouter": ("OPENROUTER_API_KEY",),
    "generic": ("OPENAI_COMPATIBLE_API_KEY", "OPENAI_COMPATIBLE_BASE_URL"),
}
# Constructor arguments that stand in for a variable above.
AGENT_KEY_KWARGS = {"OPENAI_COMPATIBLE_API_KEY": "api_key", "OPENAI_COMPATIBLE_BASE_URL": "base_url"}


def checkout_root():
    """The AIOpsLab checkout that holds the installed `aiopslab` package (its `clients/`
    package is a top-level package of the checkout, not of the install)."""
    try:
        import aiopslab

        paths = list(getattr(aiopslab, "__path__", []) or [])
        if paths:
            root = Path(paths[0]).resolve().parent
            if (root / "clients").is_dir():
                return root
    except Exception:
        pass
    return None


def load_registry_agent(name, kwargs):
    """An agent class from AIOpsLab's own registry, after checking its credentials."""
    for var in AGENT_KEYS.get(name, ()):
        if _env(var) is None and AGENT_KEY_KWARGS.get(var) not in kwargs:
            raise RunnerError("agent %r needs the environment variable %s, which is not set; "
                              "export it where the worker runs" % (name, var), EXIT_USAGE,
                              variable=var)
    root = checkout_root()
    if root is None:
        raise RunnerError("agent %r comes from AIOpsLab's clients/ package, which is not beside the "
                          "installed aiopslab; install AIOpsLab from its checkout (pip install -e "
                          "<checkout>) or name the agent as module:Class" % name, EXIT_USAGE)
    if str(root) not in sys.path:
        sys.path.append(str(root))
    try:
        from clients.registry import AgentRegistry

        cls = AgentRegistry().get_agent(name)
    except Exception as exc:
        raise RunnerError("cannot import AIOpsLab's agent registry from %s/clients: %s: %s; install "
                          "the checkout's client dependencies" % (root, type(exc).__name__, exc),
                          EXIT_USAGE, traceback=traceback.format_exc())
    if cls is None:
        raise RunnerError("agent %r is not in AIOpsLab's registry (%s); name one of them or give "
                          "module:Class" % (name, ", ".join(sorted(AGENT_KEYS))), EXIT_USAGE)
    return cls


def load_agent_class(spec, kwargs=None):
    if ":" not in spec and "." not in spec:
        return load_registry_agent(spec, kwargs or {})
    if ":" in spec:
        module_name, _, attr_path = spec.partition(":")
    else:
        module_name, _, attr_path = spec.rpartition(".")
    if not module_name or not attr_path:
        raise RunnerError("agent_config.agent %r must be a registry name (%s) or look like "
                          "\"module:Class\"" % (spec, ", ".join(sorted(AGENT_KEYS))), EXIT_USAGE)
    root = checkout_root()
    if root is not None and str(root) not in sys.path:
        sys.path.append(str(root))  # so clients.* classes import by module:Class too
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


def make_orchestrator(Orchestrator, setup, results_dir):
    """Orchestrator(results_dir=Path) (AIOpsLab joins paths onto it, so a str breaks it), or
    Orchestrator() with a warning for a version that does not take it."""
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
        return build_orchestrator(Orchestrator, setup)
    return build_orchestrator(Orchestrator, setup, results_dir=Path(results_dir))


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



def session_dict(session):
    """AIOpsLab's own session record (agent, ids, times, trace, results), as far as it got."""
    if session is None:
        return None
    to_dict = getattr(session, "to_dict", None)
    if callable(to_dict):
        try:
            return json.loads(_dumps(to_dict()))
        except Exception as exc:
            log("could not read the session record: %r" % (exc,), "warning")
    return None


def kept_session_file(cfg, session):
    """The session file AIOpsLab wrote into a results directory that outlives the attempt."""
    if not cfg["results_kept"] or session is None:
        return None
    name = "%s_%s.json" % (getattr(session, "session_id", ""), getattr(session, "start_time", ""))
    path = Path(cfg["results_dir"]) / name
    return str(path) if path.is_file() else None


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
    payload = {
        "results": results if results or error is None else None,
        "history": convert_history(history_src),
        "final_state": final_state,
        "framework_overhead": overhead,
        "session_id": None if session_id is None else str(session_id),
        "session": session_dict(session),
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
    session_file = kept_session_file(cfg, session)
    if session_file:
        payload["session_file"] = session_file
    if overhead_error:
        payload["framework_overhead_error"] = overhead_error
    if state.get("warnings"):
        payload["warnings"] = state["warnings"]
    if error is not None:
        payload["error"] = error
    return payload


def _install_signal_handlers():
    def handler(signum, _frame):
        # Only the first signal raises: fault recovery and cleanup must not be interrupted.
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


# ---------------------------------------------------------------------------
# What an attempt leaves on the cluster
# ---------------------------------------------------------------------------


class ClusterUse(object):
    """What this attempt did to the cluster, so a failed or stopped one can undo it.

    AIOpsLab recovers the injected fault when the agent raises (not the application), and only
    in an atexit handler after a signal. The runner follows the problem instance through the
    registry: a fault injected and not recovered is recovered, a deployed application is cleaned
    up. The marker file (AIOPS_CLUSTER_MARKER) names the problem while the cluster holds
    anything of it; a runner killed outright leaves it behind for the worker to find."""

    def __init__(self, marker):
        self.marker = marker
        self.problem = None
        self.fault_injected = False
        self.app_touched = False

    def mark(self, problem_id, task_id):
        if not self.marker:
            return
        try:
            Path(self.marker).parent.mkdir(parents=True, exist_ok=True)
            tmp = self.marker + ".tmp"
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump({"problem_id": problem_id, "task_id": task_id, "pid": os.getpid(),
                           "marked_at": time.time()}, fh)
            os.replace(tmp, self.marker)
        except Exception as exc:
            log("could not write the cluster marker %s: %r" % (self.marker, exc), "warning")

    def unmark(self):
        if self.marker:
            try:
                os.remove(self.marker)
            except FileNotFoundError:
                pass
            except Exception as exc:
                log("could not remove the cluster marker %s: %r" % (self.marker, exc), "warning")

    def follow(self, registry_cls):
        """Wrap ProblemRegistry.get_problem_instance so the instance it returns reports."""
        real = registry_cls.get_problem_instance
        use = self

        def get_problem_instance(registry, problem_id):
            prob = real(registry, problem_id)
            use.problem = prob
            wrap(prob, "inject_fault", lambda: setattr(use, "fault_injected", True), before=True)
            wrap(prob, "recover_fault", lambda: setattr(use, "fault_injected", False))
            app = getattr(prob, "app", None)
            if app is not None:
                for name in ("delete", "deploy"):
                    wrap(app, name, lambda: setattr(use, "app_touched", True), before=True)
                wrap(app, "cleanup", lambda: setattr(use, "app_touched", False))
            return prob

        registry_cls.get_problem_instance = get_problem_instance

    def undo(self, why):
        """Recover the fault and clean the application up; True when nothing is left."""
        prob, clean = self.problem, True
        if prob is None:
            return True
        if self.fault_injected:
            log("recovering the injected fault (%s)" % why, "info")
            try:
                prob.recover_fault()
                try:
                    from aiopslab.orchestrator.orchestrator import exit_cleanup_fault

                    atexit.unregister(exit_cleanup_fault)
                except Exception:
                    pass
            except BaseException as exc:  # noqa: B902
                clean = False
                log("fault recovery failed: %s: %s" % (type(exc).__name__, exc), "error",
                    traceback=traceback.format_exc())
        app = getattr(prob, "app", None)
        if self.app_touched and app is not None:
            log("cleaning up the application (%s)" % why, "info")
            try:
                app.cleanup()
                self.app_touched = False
            except BaseException as exc:  # noqa: B902
                clean = False
                log("application cleanup failed: %s: %s" % (type(exc).__name__, exc), "error",
                    traceback=traceback.format_exc())
        return clean


def wrap(obj, name, note, before=False):
    """Call `note()` around obj.name (before it runs, or after it returned)."""
    real = getattr(obj, name, None)
    if not callable(real):
        return
    if inspect.iscoroutinefunction(real):
        async def wrapped_async(*args, **kwargs):
            if before:
                note()
            out = await real(*args, **kwargs)
            if not before:
                note()
            return out

        wrapped = wrapped_async
    else:
        def wrapped(*args, **kwargs):
            if before:
                note()
            out = real(*args, **kwargs)
            if not before:
                note()
            return out
    try:
        setattr(obj, name, wrapped)
    except Exception:
        pass


# ---------------------------------------------------------------------------
# Weights & Biases
# ---------------------------------------------------------------------------


def wandb_problem():
    """Why wandb cannot log this run, or None when it is set up."""
    try:
        import wandb  # noqa: F401
    except Exception as exc:
        return "wandb is not importable (%s)" % (exc,)
    if (_env("WANDB_MODE") or "").lower() in ("offline", "disabled", "dryrun"):
        return None
    if _env("WANDB_API_KEY"):
        return None
    try:
        import netrc

        if netrc.netrc().authenticators("api.wandb.ai"):
            return None
    except Exception:
        pass
    return "no WANDB_API_KEY, no `wandb login`, and WANDB_MODE is not offline"


def prepare_wandb(orch, cfg, state):
    """AIOpsLab logs to wandb with USE_WANDB=true but never calls wandb.init(), so every run
    would fail after its evaluation. Set up, the runner opens the run; not set up, logging is
    turned off with a warning and the results are kept."""
    if not getattr(orch, "use_wandb", False):
        return None
    why = wandb_problem()
    if why is not None:
        orch.use_wandb = False
        msg = "USE_WANDB=true but wandb is not set up (%s); this run is not logged to wandb" % why
        state.setdefault("warnings", []).append(msg)
        log(msg, "warning")
        return None
    import wandb

    run = wandb.init(project=_env("WANDB_PROJECT") or "aiopslab",
                     name="%s-%s" % (cfg["problem_id"], cfg.get("task_id") or "run"),
                     config={"problem_id": cfg["problem_id"], "agent": cfg["agent_name"],
                             "task_id": cfg.get("task_id"), "max_steps": cfg["max_steps"]})
    log("logging this run to wandb", "info", project=_env("WANDB_PROJECT") or "aiopslab")
    return run


def keep_results_from_wandb(state):
    """A failure inside session.to_wandb() must not cost the run its results."""
    try:
        from aiopslab.session import Session
    except Exception:
        return
    real = getattr(Session, "to_wandb", None)
    if not callable(real) or getattr(real, "_aiops_adapted", False):
        return

    def to_wandb(self):
        try:
            return real(self)
        except Exception as exc:
            msg = "logging to wandb failed (%s: %s); the results are kept" % (type(exc).__name__, exc)
            state.setdefault("warnings", []).append(msg)
            log(msg, "warning")

    to_wandb._aiops_adapted = True
    Session.to_wandb = to_wandb


# ---------------------------------------------------------------------------
# run / cleanup
# ---------------------------------------------------------------------------


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

    setup = cluster_setup()
    try:
        mod, Orchestrator = import_aiopslab(setup)
    except RunnerError as err:
        return fail(err)

    state = {"timings": {}, "steps": 0, "aiopslab": aiopslab_info(mod)}
    orch = agent = out = wandb_run = None
    use = ClusterUse(cfg["cluster_marker"])
    counter = StepCounter(cfg["max_steps"])
    log("aiopslab runner starting", "info",
        problem_id=cfg["problem_id"], agent=cfg["agent_spec"], agent_name=cfg["agent_name"],
        max_steps=cfg["max_steps"], workdir=str(cfg["workdir"]), results_dir=str(cfg["results_dir"]),
        result_file=str(cfg["result_file"]), agent_config_source=cfg["agent_config_source"],
        backend=setup["backend"], kubeconfig=setup["kubeconfig"], context=setup["context"],
        **state["aiopslab"])
    t_all = time.time()
    phase = "setup"
    try:
        # 1. agent
        phase = "build_agent"
        agent_cls = load_agent_class(cfg["agent_spec"], cfg["agent_kwargs"])
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
        try:
            from aiopslab.orchestrator.problems.registry import ProblemRegistry

            use.follow(ProblemRegistry)
        except Exception as exc:
            log("cannot follow the problem instance (%r); a failed attempt cannot clean up" % (exc,),
                "warning")
        keep_results_from_wandb(state)
        orch = make_orchestrator(Orchestrator, setup, cfg["results_dir"])
        instrument_env(orch, counter)
        orch.register_agent(registered, name=cfg["agent_name"])
        wandb_run = prepare_wandb(orch, cfg, state)

        async def drive():
            # init_problem runs inside the event loop so problems whose workload
            # is async (asyncio.create_task in init_problem) share the loop with
            # start_problem; init_problem itself stays a plain blocking call.
            nonlocal phase
            phase = "init_problem"
            log("init_problem started", "info", problem_id=cfg["problem_id"])
            use.mark(cfg["problem_id"], cfg.get("task_id"))
            t0 = state["init_started_at"] = time.time()
            try:
                task_desc, instructions, apis = orch.init_problem(cfg["problem_id"])
            except ValueError as exc:
                if "not found" in str(exc) or "registry" in str(exc).lower():
                    raise RunnerError(
                        "unknown AIOpsLab problem id %r: %s (run `aiops problems import "
                        "--from-runner` to see the ids)" % (cfg["problem_id"], exc),
                        EXIT_UNKNOWN_PROBLEM, problem_id=cfg["problem_id"])
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
        use.unmark()
        state["steps"] = counter.step
        state["timings"]["total_seconds"] = round(time.time() - t_all, 3)
        payload = build_result(cfg, orch, agent, out, state)
        write_result(cfg["result_file"], payload)
        log("start_problem finished", "info", steps=counter.step,
            duration_seconds=state["timings"].get("start_problem_seconds"),
            results=payload.get("results"), framework_overhead=payload.get("framework_overhead"),
            session_id=payload.get("session_id"), result_file=str(cfg["result_file"]))
        return EXIT_OK
    except RunnerError as err:
        state["steps"] = counter.step
        _write_partial(cfg, orch, agent, state, phase, err.message, "RunnerError", None)
        _undo(use, "the attempt failed")
        return fail(err, phase=phase)
    except Terminated as exc:
        state["steps"] = counter.step
        msg = "terminated by signal %d during %s" % (exc.signum, phase)
        _write_partial(cfg, orch, agent, state, phase, msg, "Terminated", None)
        log(msg, "error", phase=phase, signal=exc.signum, steps=counter.step)
        _undo(use, "the attempt was stopped")
        stderr_line(msg)
        return 128 + exc.signum
    except BaseException as exc:  # noqa: B902 - report everything, including SystemExit from agents
        state["steps"] = counter.step
        tb = traceback.format_exc()
        msg = "%s failed: %s: %s" % (phase, type(exc).__name__, exc)
        _write_partial(cfg, orch, agent, state, phase, msg, type(exc).__name__, tb)
        log(msg, "error", phase=phase, error_type=type(exc).__name__, error=str(exc),
            traceback=tb, steps=counter.step, exit_code=EXIT_FAILED)
        _undo(use, "the attempt failed")
        stderr_line(msg)
        return EXIT_FAILED
    finally:
        if wandb_run is not None:
            try:
                wandb_run.finish()
            except Exception:
                pass


def _undo(use, why):
    """Leave the cluster as the attempt found it; the marker stays when that failed."""
    try:
        if use.undo(why):
            use.unmark()
    except BaseException as exc:  # noqa: B902 - a second signal must not lose the exit code
        log("cleaning up after the attempt failed: %r" % (exc,), "error")


def _write_partial(cfg, orch, agent, state, phase, message, error_type, tb):
    try:
        payload = build_result(cfg, orch, agent, None, state,
                               error={"phase": phase, "type": error_type, "message": message,
                                      "traceback": tb})
        write_result(cfg["result_file"], payload)
    except Exception as exc:
        log("could not write the partial result file: %r" % (exc,), "warning")


def cmd_cleanup(args):
    """Undo what a killed attempt left: AIOpsLab's fault recovery and application cleanup for
    the problem its marker names. The marker is removed only when both succeed."""
    _install_signal_handlers()
    marker = args.marker or _env("AIOPS_CLUSTER_MARKER")
    if not marker:
        return fail(RunnerError("cleanup needs --marker FILE", EXIT_USAGE))
    try:
        with open(marker, "r", encoding="utf-8") as fh:
            left = json.load(fh)
        problem_id = left["problem_id"]
    except FileNotFoundError:
        emit({"ok": True, "clean": True})
        return EXIT_OK
    except Exception as exc:
        return fail(RunnerError("the cluster marker %s cannot be read (%r); remove it once the "
                                "cluster is clean" % (marker, exc), EXIT_USAGE))
    setup = cluster_setup()
    try:
        import_aiopslab(setup)
        from aiopslab.orchestrator.problems.registry import ProblemRegistry

        use = ClusterUse(marker)
        use.follow(ProblemRegistry)
        saved = sys.stdout
        sys.stdout = sys.stderr
        try:
            ProblemRegistry().get_problem_instance(problem_id)
        finally:
            sys.stdout = saved
    except RunnerError as err:
        return fail(err)
    except Exception as exc:
        return fail(RunnerError("cannot load problem %r to clean up after it: %s: %s"
                                % (problem_id, type(exc).__name__, exc), EXIT_FAILED))
    # Whatever the killed attempt got to, undo all of it: recovery and cleanup are idempotent.
    use.fault_injected = use.app_touched = True
    why = "task %s was stopped before AIOpsLab cleaned up" % (left.get("task_id"),)
    if not use.undo(why):
        return fail(RunnerError("cleaning up after problem %r failed (see the lines above)"
                                % problem_id, EXIT_FAILED))
    use.unmark()
    emit({"ok": True, "clean": True, "problem_id": problem_id, "task_id": left.get("task_id")})
    return EXIT_OK


# ---------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="aiopslab_runner",
        description="Run an AIOpsLab problem (aiops worker runner).")
    sub = parser.add_subparsers(dest="mode")
    sub.add_parser("check", help="import aiopslab and build an Orchestrator on the worker's cluster")
    sub.add_parser("list-problems", help="print the problem ids as JSON")
    sub.add_parser("doctor", help="report each step of `check` as JSON")
    clean = sub.add_parser("cleanup", help="undo what a killed attempt left on the cluster")
    clean.add_argument("--marker", default=None, help="the marker file the attempt left")
    run = sub.add_parser("run", help="run the task read from stdin (default)")
    for p in (parser, run):
        p.add_argument("--problem-id", default=None, help="overrides AIOPS_PROBLEM_ID / task.problem_id")
        p.add_argument("--agent", default=None, help="registry name or module:Class, overrides agent_config.agent")
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
    if mode == "cleanup":
        return cmd_cleanup(args)
    if mode == "doctor":
        return cmd_doctor(args)
    return cmd_run(args)


if __name__ == "__main__":
    code = main()
    _flush_others()
    try:
        _REAL_STDOUT.flush()
    except Exception:
        pass
    sys.exit(code)
