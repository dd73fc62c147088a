"""The system calls a learner's process may not make: one list for the seccomp filter that bubblewrap installs
and the one the harness loads itself as a separate user. Only the standard library here: the harness imports it
under ``python -I``, and ``seccomp`` is handed in (pyseccomp, libseccomp's bindings)."""

import errno

CLONE_THREAD = 0x00010000
# Sockets (no network, no host services), leaving the session or process group, reading or tracing other
# processes, namespaces and mounts, kernel keyrings, eBPF, perf, shared memory and message queues that outlive
# the process (a channel between learners' runs): a stock-change handler needs none of them.
REFUSED = ("socket", "setsid", "setpgid", "ptrace", "process_vm_readv", "process_vm_writev", "unshare", "setns",
           "mount", "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
           "shmget", "semget", "msgget", "mq_open")
# io_uring can open sockets and files without the calls above (IORING_OP_SOCKET): refused as if absent.
ABSENT = ("io_uring_setup", "io_uring_enter", "io_uring_register", "clone3")
NEW_PROCESSES = ("fork", "vfork")
NEW_PROGRAMS = ("execve", "execveat")


def build(seccomp, *, allow_exec: bool):
    """The filter (not yet loaded). ``allow_exec``: bubblewrap loads the filter before it starts Python, so
    the harness's own exec must pass there; a process cannot be started without fork anyway."""
    refuse = seccomp.ERRNO(errno.EPERM)
    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    for name in REFUSED + NEW_PROCESSES + (() if allow_exec else NEW_PROGRAMS):
        rules.add_rule(refuse, name)
    rules.add_rule(refuse, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_THREAD, 0))  # a process, not a thread
    for name in ABSENT:  # clone3's flags cannot be inspected: threads fall back to clone
        rules.add_rule(seccomp.ERRNO(errno.ENOSYS), name)
    return rules
