"""Whether a plan's CP-SAT model fits in this machine's memory, checked before building it."""

from __future__ import annotations

from coverage.solver.problem import Problem


class InsufficientMemory(Exception):
    """The model would need more memory than this machine has available."""


# Measured on the benchmark (1000 agents, 30-minute grid: 1.68 million coverage
# terms, 1.43 GB peak): about 800 bytes per term on top of a fixed base.
BYTES_PER_TERM = 800
BASE_BYTES = 250 * 2**20


def coverage_terms(problem: Problem) -> int:
    """How many (shift, grid slot) pairs the full model has, what sets its size, and
    for agents who serve several queues, their (queue, slot) choices and block rules."""
    terms = 0
    for option in problem.options:
        slots: set[int] = set()
        for day in option.days:
            for candidate in day:
                covered = problem.slots_of(candidate)
                terms += len(covered)
                if option.switches:
                    slots.update(t % problem.slots for t in covered)
        per_choice = 1 + 4 * (problem.min_activity_slots(option) - 1)
        terms += len(slots) * len(option.queues) * per_choice
    return terms


def estimated_memory(problem: Problem) -> int:
    """Bytes the CP-SAT model and search are expected to need, from the coverage terms."""
    return BASE_BYTES + BYTES_PER_TERM * coverage_terms(problem)


def available_memory() -> int | None:
    """Memory the system can still give us (Linux ``MemAvailable``), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def check_memory(problem: Problem) -> None:
    needed, available = estimated_memory(problem), available_memory()
    if available is not None and needed > available:
        raise InsufficientMemory(
            f"this plan needs about {needed / 2**30:.1f} GB of memory to solve and only "
            f"{available / 2**30:.1f} GB are available; plan fewer agents at once, use a "
            "coarser start_step_minutes or fewer shift lengths"
        )
