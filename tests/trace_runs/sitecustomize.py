"""A diagnostic, for finding a lost press: every Streamlit server started with this folder on
its ``PYTHONPATH`` prints, in its log, each rerun request a browser sends (with the buttons
it carries) and each run's start and end, per session:

    TRACE 13:44:53.900 de40d25a BACK rerun page='' frag= auto=False triggers=['…-hand_button']
    TRACE 13:44:53.901 de40d25a EVENT SCRIPT_STARTED
    TRACE 13:44:53.921 de40d25a EVENT SCRIPT_STOPPED_FOR_RERUN

    PYTHONPATH=tests/trace_runs .venv/bin/python tests/stress.py --runs 10 tests/browser/…

(the browser tests' servers inherit the variable; the runs' logs stay in
``test-artifacts/stress/run-N-tmp/``). Nothing in the app imports it; other processes
(pytest itself) are left alone.
"""

import datetime
import sys

if "streamlit" in sys.orig_argv[:3] and "run" in sys.orig_argv[:4]:
    try:
        from streamlit.runtime import app_session as _app_session

        _handle_backmsg = _app_session.AppSession.handle_backmsg
        _on_event = _app_session.AppSession._on_scriptrunner_event
        _TRIGGERS = ("trigger_value", "json_trigger_value", "string_trigger_value")

        def _now() -> str:
            return datetime.datetime.now().strftime("%H:%M:%S.%f")[:-3]

        def handle_backmsg(self, msg):  # type: ignore[no-untyped-def]
            kind = msg.WhichOneof("type")
            if kind == "rerun_script":
                rerun = msg.rerun_script
                pressed = [w.id[-40:] for w in rerun.widget_states.widgets
                           if w.WhichOneof("value") in _TRIGGERS
                           and getattr(w, w.WhichOneof("value")) not in (False, "", None)]
                print(f"TRACE {_now()} {self.id[:8]} BACK rerun page={rerun.page_name!r} "
                      f"hash={rerun.page_script_hash[:8]} "
                      f"frag={rerun.fragment_id[:8]} auto={rerun.is_auto_rerun} "
                      f"triggers={pressed} nwidgets={len(rerun.widget_states.widgets)}",
                      flush=True)
            else:
                print(f"TRACE {_now()} {self.id[:8]} BACK {kind}", flush=True)
            return _handle_backmsg(self, msg)

        def on_event(self, sender, event, *args, **kwargs):  # type: ignore[no-untyped-def]
            if event.name != "ENQUEUE_FORWARD_MSG":
                fragment = "frag" if kwargs.get("fragment_ids_this_run") else ""
                page = kwargs.get("page_script_hash") or ""
                print(f"TRACE {_now()} {self.id[:8]} EVENT {event.name} {fragment} {page[:8]}",
                      flush=True)
            return _on_event(self, sender, event, *args, **kwargs)

        _app_session.AppSession.handle_backmsg = handle_backmsg
        _app_session.AppSession._on_scriptrunner_event = on_event
    except Exception as error:  # a diagnostic never stops the server
        print("TRACE not installed:", error, flush=True)
