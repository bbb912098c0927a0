"""``make run``: the whole product on one machine, stopped together with Ctrl-C.

Starts (or reuses) the embedded PostgreSQL, migrates, loads the demo firm, then
runs the web app, a Celery worker and Celery beat side by side, each line of their
output prefixed with its name.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
ADDRESS = os.environ.get("ADVISOR_ADDRESS", "127.0.0.1:8000")
COLOURS = {"web": "\033[36m", "worker": "\033[35m", "beat": "\033[33m"}
RESET = "\033[0m"


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, check=True)


def pump(name: str, process: subprocess.Popen) -> None:
    colour = COLOURS.get(name, "") if sys.stdout.isatty() else ""
    reset = RESET if colour else ""
    for line in process.stdout:
        sys.stdout.write(f"{colour}{name:>6} |{reset} {line}")
        sys.stdout.flush()


def banner(modes: dict) -> str:
    from advisor.demo import firm as demo

    logins = "\n".join(
        f"      {user['username']:<11} {user['password']:<22} {user['role']}"
        for user in demo.USERS
    )
    mode_lines = "\n".join(f"      {key:<10} {value}" for key, value in modes.items())
    return f"""
  ┌──────────────────────────────────────────────────────────────┐
    Advisor Twin is running at  http://{ADDRESS}/
    API docs: http://{ADDRESS}/api/docs/   Admin: http://{ADDRESS}/admin/

    Demo logins (username / password / role):
{logins}

    Running with (see README, "Configuration", to change):
{mode_lines}

    web (Django), worker (Celery) and beat (Celery scheduler) are
    running below. Press Ctrl-C to stop them all.
  └──────────────────────────────────────────────────────────────┘
"""


def main() -> int:
    os.chdir(BASE_DIR)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.config.settings")
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    print("Starting the database (embedded PostgreSQL unless DATABASE_URL is set)...")
    import django

    django.setup()
    from django.conf import settings

    print("Applying migrations...")
    manage("migrate", "--no-input", "-v", "0")
    print("Loading the demo firm (idempotent)...")
    manage("seed_demo")

    celery = [sys.executable, "-m", "celery", "-A", "advisor.config"]
    commands = {
        "web": [sys.executable, "manage.py", "runserver", ADDRESS, "--noreload"],
        "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2"],
        "beat": [
            *celery,
            "beat",
            "--loglevel=INFO",
            f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}",
        ],
    }
    processes = {}
    for name, command in commands.items():
        processes[name] = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=pump, args=(name, processes[name]), daemon=True).start()
    print(banner(settings.RUNTIME_MODES), flush=True)

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, process in processes.items():
            if process.poll() is not None:
                print(
                    f"{name} exited with code {process.returncode}; stopping the rest."
                )
                exit_code = process.returncode or 1
                stopping = True
        time.sleep(0.5)

    print("\nStopping web, worker and beat...")
    for process in processes.values():
        if process.poll() is None:
            # The leader only: the worker then stops its own pool (a warm
            # shutdown) rather than logging each child killed under it.
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    if settings.DATABASE_MODE == "embedded":
        from advisor.config.embedded_db import stop_cluster

        if stop_cluster(settings.EMBEDDED_POSTGRES_DIR):
            print("Stopped the embedded PostgreSQL.")
    print("All stopped.")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
