"""A throwaway PostgreSQL server for the benchmarks (the recipe of Tests/TestSupport/PostgresServer.swift).

    from pgserver import Postgres, proc_cpu
    pg = Postgres(options="-c shared_preload_libraries=pg_stat_statements")
    uri = pg.database("bench")          # postgres://postgres@127.0.0.1:PORT/bench
    pg.sql("SELECT 1", "bench")
    pg.stop()                           # also at exit, and on SIGINT, SIGTERM, SIGHUP

initdb in a temporary directory (as the `postgres` user through runuser when run as root, which
PostgreSQL refuses), started on a free port of 127.0.0.1 with the server's default settings (fsync
and synchronous_commit on) plus `options`, stopped and removed by stop().
"""
import atexit
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_cpu(pid, children=False):
    """User+system CPU seconds of a process (with children=True, also of its reaped children)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / TICKS


class Postgres:
    """A throwaway PostgreSQL server on 127.0.0.1, stopped and removed by stop() (and at exit)."""

    def __init__(self, options=""):
        self.bin = self.bin_directory()
        self.as_postgres = os.geteuid() == 0
        self.dir = tempfile.mkdtemp(prefix="sluice-bench-pg-")
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "server.log")
        self.started = False
        atexit.register(self.stop)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, lambda *_: sys.exit(130))
        self.run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync")
        # A free port may be taken before the server binds it: try another.
        for _ in range(5):
            self.port = free_port()
            server = f"-k {self.dir} -h 127.0.0.1 -p {self.port} {options}".strip()
            if subprocess.run(self.command("pg_ctl", "start", "-w", "-t", "60", "-D", self.data, "-l", self.log, "-o", server),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
                self.started = True
                break
        if not self.started:
            raise RuntimeError("pg_ctl start failed on 5 ports:\n" + open(self.log).read()[-2000:])
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            self.pid = int(f.readline())
        self.version = subprocess.run([os.path.join(self.bin, "postgres"), "--version"], capture_output=True, text=True).stdout.strip()

    @staticmethod
    def bin_directory():
        candidates = []
        try:
            candidates.append(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip())
        except (OSError, subprocess.CalledProcessError):
            pass
        candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
        for c in candidates:
            if os.access(os.path.join(c, "initdb"), os.X_OK):
                return c
        sys.exit("no initdb (pg_config --bindir, /usr/lib/postgresql/*/bin): apt-get install postgresql")

    def command(self, program, *args):
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        return prefix + [os.path.join(self.bin, program)] + list(args)

    def run(self, program, *args):
        subprocess.run(self.command(program, *args), check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)

    def sql(self, statement, database="postgres"):
        """Runs one statement as `postgres` and returns its output (unaligned, tuples only), stripped."""
        out = subprocess.run([os.path.join(self.bin, "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                              "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", statement],
                             check=True, capture_output=True, text=True).stdout
        return out.strip()

    def database(self, name):
        """Creates a database and returns its URI (user `postgres`)."""
        self.sql(f"CREATE DATABASE {name}")
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def cpu(self):
        """CPU seconds of the server: the postmaster with its reaped children, and its live children."""
        total = proc_cpu(self.pid, children=True)
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                with open(stat) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.pid:
                    total += (int(fields[11]) + int(fields[12])) / TICKS
            except (OSError, IndexError, ValueError):
                pass
        return total

    def stop(self):
        if self.started:
            subprocess.run(self.command("pg_ctl", "stop", "-m", "fast", "-w", "-D", self.data),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)
