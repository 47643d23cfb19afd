"""Which queue each agent serves when, for shifts already chosen.

An agent who serves several queues serves one at a time. For one shift, the
best sequence of queues (each block at least ``min_activity_minutes`` unless it
is the whole shift) against what each queue still misses is a small dynamic
programme over the shift's slots. The first roster serves agents one at a time
this way; the full CP-SAT model then chooses shifts and queues together.
"""

from __future__ import annotations

from datetime import timedelta

from coverage.shifts import Candidate
from coverage.solver.model import Serving
from coverage.solver.problem import AgentOptions, Problem
from coverage.timegrid import Activity


class QueueNeed:
    """What each queue still misses per fine slot, as agents are placed one by one.

    A slot below a queue's floor is worth more than all shortfall anywhere,
    as in the objective; both are weighted by the queue's priority.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.on = [[0] * problem.slots for _ in range(problem.queue_count)]
        self.floor_weight = max(problem.priorities) * problem.slots + 1

    def gain(self, q: int, t: int) -> int:
        """What one more agent serving queue q in slot t (modulo the week) is worth."""
        problem = self.problem
        t %= problem.slots
        n = self.on[q][t]
        value = self.floor_weight if n < problem.queue_floor[q][t] else 0
        value += 1 if n < problem.queue_required[q][t] else 0
        return problem.priorities[q] * value

    def best_gain(self, option: AgentOptions, t: int) -> int:
        return max(self.gain(q, t) for q in option.queues)

    def candidate_gain(self, option: AgentOptions, candidate: Candidate) -> int:
        """An upper bound on what the shift is worth: the best queue in every slot."""
        return sum(self.best_gain(option, t) for t in self.problem.slots_of(candidate))

    def cost(self) -> int:
        """What is still missing, in the units of ``gain``: floors, then shortfall."""
        problem, total = self.problem, 0
        for q, priority in enumerate(problem.priorities):
            floor, required = problem.queue_floor[q], problem.queue_required[q]
            for f, r, n in zip(floor, required, self.on[q], strict=True):
                if n < f:
                    total += priority * self.floor_weight * (f - n)
                if n < r:
                    total += priority * (r - n)
        return total

    def add(self, q: int, t: int, n: int = 1) -> None:
        self.on[q][t % self.problem.slots] += n


def best_blocks(gains: list[list[int]], length: int) -> list[int]:
    """The choice per slot (an index into each row of ``gains``) with the largest
    total, in blocks of at least ``length`` slots unless one block fills them all.

    A dynamic programme over (slot, choice, run so far capped at ``length``,
    whether there was a switch).
    """
    choices = len(gains[0])
    if choices == 1 or not gains:
        return [0] * len(gains)
    # best[(c, run, switched)] = (total, path)
    best: dict[tuple[int, int, bool], tuple[int, list[int]]] = {
        (c, 1, False): (gains[0][c], [c]) for c in range(choices)
    }
    for row in gains[1:]:
        step: dict[tuple[int, int, bool], tuple[int, list[int]]] = {}
        for (c, run, switched), (total, path) in best.items():
            moves = [(c, min(run + 1, length), switched)]
            if run >= length:
                moves += [(other, 1, True) for other in range(choices) if other != c]
            for key in moves:
                value = total + row[key[0]]
                if key not in step or value > step[key][0]:
                    step[key] = (value, [*path, key[0]])
        best = step
    finals = [
        (total, path)
        for (_, run, switched), (total, path) in best.items()
        if not switched or run >= length
    ]
    return max(finals, key=lambda item: item[0])[1]


def serve_shift(
    problem: Problem, option: AgentOptions, candidate: Candidate, need: QueueNeed
) -> dict[int, int]:
    """The best queue per slot of one shift against what is still needed, and count it."""
    covered = problem.slots_of(candidate)
    if not option.switches:
        for t in covered:
            need.add(option.queues[0], t)
        return {}
    gains = [[need.gain(q, t) for q in option.queues] for t in covered]
    path = best_blocks(gains, problem.min_activity_slots(option))
    serving = {}
    for t, choice in zip(covered, path, strict=True):
        serving[t % problem.slots] = option.queues[choice]
        need.add(option.queues[choice], t)
    return serving


# Rounds of re-serving each agent against all the others, after the first pass.
SERVING_ROUNDS = 5


def serve_greedily(problem: Problem, shifts: list[list[Candidate]]) -> Serving:
    """Queues for chosen shifts: agents with the fewest queues first (they have the
    least choice), each against what the others left; then each agent who serves
    several queues is served again against all the others, until nothing changes
    (at most ``SERVING_ROUNDS`` rounds)."""
    need = QueueNeed(problem)
    serving: Serving = [{} for _ in problem.options]
    order = sorted(range(len(shifts)), key=lambda a: (len(problem.options[a].queues), a))
    for a in order:
        for candidate in shifts[a]:
            serving[a].update(serve_shift(problem, problem.options[a], candidate, need))
    switching = [a for a in order if problem.options[a].switches and shifts[a]]
    for _ in range(SERVING_ROUNDS):
        changed = False
        for a in switching:
            for t, q in serving[a].items():
                need.add(q, t, -1)
            before = serving[a]
            serving[a] = {}
            for candidate in shifts[a]:
                serving[a].update(serve_shift(problem, problem.options[a], candidate, need))
            changed = changed or serving[a] != before
        if not changed:
            break
    return serving


def activities_of(
    problem: Problem, shifts: list[list[Candidate]], serving: Serving
) -> tuple[Activity, ...]:
    """The shifts cut into activities: runs of slots on one queue, inside each shift."""
    names = [queue.name for queue in problem.requirements.queues]
    step = timedelta(minutes=problem.step_minutes)
    activities: list[Activity] = []
    for a, agent_shifts in enumerate(shifts):
        option = problem.options[a]
        for candidate in agent_shifts:
            shift = candidate.shift
            run_start, run_queue = shift.start_utc, None
            for k, t in enumerate(problem.slots_of(candidate)):
                q = serving[a][t % problem.slots] if option.switches else option.queues[0]
                if run_queue is not None and q != run_queue:
                    at = shift.start_utc + k * step
                    activities.append(Activity(shift.agent_id, run_start, at, names[run_queue]))
                    run_start = at
                run_queue = q
            if run_queue is not None:
                activities.append(
                    Activity(shift.agent_id, run_start, shift.end_utc, names[run_queue])
                )
    return tuple(activities)
