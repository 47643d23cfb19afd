"""The full CP-SAT model's size: whether a plan builds it, and whether it fits in this
machine's memory, checked before building it."""

from __future__ import annotations

from coverage.solver.model import counts_by_differences
from coverage.solver.neighbourhood import improves_together
from coverage.solver.problem import Problem


class InsufficientMemory(Exception):
    """The model would need more memory than this machine has available."""


# Peak memory per model term on top of a fixed base: the most measured on the
# benchmark (benchmarks/README.md, "Model size").
BYTES_PER_TERM = 1200
BASE_BYTES = 250 * 2**20
# From this many model terms the chains of agents are the engine for every stage
# and the full model is not built, unless the search must be deterministic (the
# chains run on the wall clock) or it hires or re-plans (they do neither).
# At that size the full model costs more memory than the rest of the plan and
# its search adds little to the chains' roster (benchmarks/README.md, "Model size").
FULL_MODEL_TERMS_AT_MOST = 2_000_000
# Terms of a candidate shift in the rules: one shift a day, the contract, the start time.
RULE_TERMS_PER_SHIFT = 3


def model_terms(problem: Problem) -> int:
    """How many terms the full model's rules and coverage have, what sets its size:
    per candidate shift, one each in its day, its contract and its start time,
    its coverage (two terms when counted by differences, one per slot it covers
    otherwise: see ``RosterModel.add_coverage``) and the later shifts its rest
    period forbids; for agents who serve several queues, their (queue, slot)
    choices and block rules."""
    differences = counts_by_differences(problem)
    terms = 0 if differences else problem.slot_terms
    per_class: dict[int, int] = {}  # agents of one class share their candidates
    for option in problem.options:
        key = id(option.days)
        if key not in per_class:
            shifts = sum(len(day) for day in option.days)
            rest = sum(len(clashes) for _, _, _, clashes in option.clashes)
            coverage = 2 * shifts if differences and not option.switches else 0
            per_class[key] = RULE_TERMS_PER_SHIFT * shifts + coverage + rest
        terms += per_class[key]
        if option.switches:
            slots: set[int] = set()
            for day in option.days:
                for candidate in day:
                    covered = problem.slots_of(candidate)
                    terms += len(covered)
                    slots.update(t % problem.slots for t in covered)
            per_choice = 1 + 4 * (problem.min_activity_slots(option) - 1)
            terms += len(slots) * len(option.queues) * per_choice
    return terms


def builds_full_model(problem: Problem, deterministic: bool = False) -> bool:
    """Whether the plan builds the full model, or the chains alone run its stages."""
    if deterministic or not improves_together(problem):
        return True
    return model_terms(problem) <= FULL_MODEL_TERMS_AT_MOST


def estimated_memory(problem: Problem) -> int:
    """Bytes the CP-SAT model and search are expected to need, from its terms."""
    return BASE_BYTES + BYTES_PER_TERM * model_terms(problem)


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


def check_memory(problem: Problem, deterministic: bool = False) -> None:
    """``InsufficientMemory`` when the full model the plan builds would not fit."""
    if not builds_full_model(problem, deterministic):
        return
    needed, available = estimated_memory(problem), available_memory()
    if available is not None and needed > available:
        raise InsufficientMemory(
            f"this plan needs about {needed / 2**30:.1f} GB of memory to solve and only "
            f"{available / 2**30:.1f} GB are available; plan fewer agents at once, use a "
            "coarser start_step_minutes or fewer shift lengths"
        )
