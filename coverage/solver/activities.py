"""Which queue each agent serves when, for shifts already chosen.

An agent who serves several queues serves one at a time. Slot by slot, the
best split of the agents on between their queues is a min-cost flow (skill
groups to queues to seats: the floor's, then the requirement's), which is what
the aggregate bound's split is worth in whole agents. The flow ignores the
shortest block; then each agent's shifts are served again with a small dynamic
programme over the shift's slots that keeps every block at least
``min_activity_minutes`` (unless it is the whole shift), against what the
others leave. The full CP-SAT model then chooses shifts and queues together.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from ortools.graph.python import min_cost_flow

from coverage.shifts import Candidate
from coverage.solver.model import Serving
from coverage.solver.problem import AgentOptions, Problem
from coverage.timegrid import Activity


class QueueNeed:
    """What each queue still misses per fine slot, as agents are placed one by one.

    ``worth(q, t, n)`` is what the n-th agent on queue q in slot t is worth: a
    slot below a queue's floor is worth more than everything else anywhere, as
    in the objective; above it, one unit per agent up to the queue's guide, or
    under the service objective the contacts the agent saves from being late
    (``heuristic_tables``; an email queue's agent-slot counts its work in emails).
    Both are weighted by the queue's priority.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.on = [[0] * problem.slots for _ in range(problem.queue_count)]
        self.tables = problem.heuristic_tables
        self.unit = [problem.guide_unit(q) for q in range(problem.queue_count)]
        self.floor_weight = problem.worth_beyond_floors + 1

    def worth(self, q: int, t: int, n: int) -> int:
        """What the n-th agent (n >= 1) serving queue q in slot t is worth."""
        problem = self.problem
        t %= problem.slots
        value = self.floor_weight if n <= problem.queue_floor[q][t] else 0
        table = self.tables.get((q, t))
        if table is not None:
            last = len(table) - 1
            value += table[min(n - 1, last)] - table[min(n, last)]
        elif n <= problem.queue_guide[q][t]:
            value += self.unit[q]
        return problem.priorities[q] * value

    def seats(self, q: int, t: int) -> int:
        """How many agents on queue q in slot t are worth anything."""
        t %= self.problem.slots
        table = self.tables.get((q, t))
        target = len(table) - 1 if table is not None else self.problem.queue_guide[q][t]
        return max(self.problem.queue_floor[q][t], target)

    def gain(self, q: int, t: int) -> int:
        """What one more agent serving queue q in slot t (modulo the week) is worth."""
        return self.worth(q, t, self.on[q][t % self.problem.slots] + 1)

    def best_gain(self, option: AgentOptions, t: int) -> int:
        return max(self.gain(q, t) for q in option.queues)

    def shift_gains(self, option: AgentOptions) -> list[list[int]]:
        """Per day, an upper bound on what each of the agent's candidate shifts is
        worth: the best queue in every slot it covers (summed over the week once)."""
        best = [self.best_gain(option, t) for t in range(self.problem.slots)]
        return self.problem.shift_worths(option, best)

    def cost(self, slots: Iterable[int] | None = None) -> int:
        """What is still missing, in the units of ``worth``: the worth of every seat
        not yet taken, in the given slots of the week (all by default)."""
        problem, total = self.problem, 0
        slots = range(problem.slots) if slots is None else slots
        for q, priority in enumerate(problem.priorities):
            floor, guide, unit, on = (
                problem.queue_floor[q], problem.queue_guide[q], self.unit[q], self.on[q]
            )  # fmt: skip
            for t in slots:
                n = on[t]
                missing = self.floor_weight * max(0, floor[t] - n)
                table = self.tables.get((q, t))
                if table is not None:
                    missing += table[min(n, len(table) - 1)]
                else:
                    missing += unit * max(0, guide[t] - n)
                total += priority * missing
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
    # Where the need is the same, a queue that is open beats one that is closed.
    scale, is_open = problem.slots + 1, problem.queue_open
    gains = [
        [
            need.gain(q, t) * scale - (0 if is_open[q][t % problem.slots] else 1)
            for q in option.queues
        ]
        for t in covered
    ]
    path = best_blocks(gains, problem.min_activity_slots(option))
    serving = {}
    for t, choice in zip(covered, path, strict=True):
        serving[t % problem.slots] = option.queues[choice]
        need.add(option.queues[choice], t)
    return serving


# Rounds of re-serving each agent against all the others, after the flow.
SERVING_ROUNDS = 5


def serve_greedily(problem: Problem, shifts: list[list[Candidate]]) -> Serving:
    """Queues for chosen shifts: the best split slot by slot (``serve_by_flow``), then
    each agent who serves several queues served again against all the others, in
    blocks, until nothing changes (at most ``SERVING_ROUNDS`` rounds)."""
    return serve_again(problem, shifts, serve_by_flow(problem, shifts))


def serve_again(
    problem: Problem, shifts: list[list[Candidate]], serving: Serving, rounds: int = SERVING_ROUNDS
) -> Serving:
    """Each agent who serves several queues served again, in blocks, against all the
    others, until nothing changes (at most ``rounds`` rounds).

    An agent's new queues are the best for the queues given everyone else's, so
    the queues' need never grows; where it is the same, open queues are
    preferred to closed ones (an agent whose queues are all closed still serves
    one of them).
    """
    serving = [dict(agent) for agent in serving]
    need = QueueNeed(problem)
    for a, agent_shifts in enumerate(shifts):
        option = problem.options[a]
        for candidate in agent_shifts:
            for t in problem.slots_of(candidate):
                need.add(serving[a][t % problem.slots] if option.switches else option.queues[0], t)
    switching = sorted(
        (a for a, o in enumerate(problem.options) if o.switches and shifts[a]),
        key=lambda a: (len(problem.options[a].queues), a),
    )
    for _ in range(rounds):
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


def serve_by_flow(problem: Problem, shifts: list[list[Candidate]]) -> Serving:
    """Slot by slot, the split of the agents on between their queues that is worth most
    (a min-cost flow), ignoring the shortest block; an agent keeps the queue of the
    slot before where the split allows."""
    slots = problem.slots
    serving: Serving = [{} for _ in problem.options]
    working: list[list[int]] = [[] for _ in range(slots)]
    for a, agent_shifts in enumerate(shifts):
        if problem.options[a].switches:
            for candidate in agent_shifts:
                for t in problem.slots_of(candidate):
                    working[t % slots].append(a)
    if not any(working):
        return serving
    need = QueueNeed(problem)  # the agents who serve one queue, counted first
    for a, agent_shifts in enumerate(shifts):
        option = problem.options[a]
        if not option.switches:
            for candidate in agent_shifts:
                for t in problem.slots_of(candidate):
                    need.add(option.queues[0], t)
    for t in range(slots):
        if working[t]:
            _split_slot(problem, need, t, working[t], serving)
    return serving


def _split_slot(
    problem: Problem, need: QueueNeed, t: int, agents: list[int], serving: Serving
) -> None:
    groups: dict[tuple[int, ...], list[int]] = {}
    for a in agents:
        groups.setdefault(problem.options[a].queues, []).append(a)
    flow = min_cost_flow.SimpleMinCostFlow()
    queues = sorted({q for skills in groups for q in skills})
    queue_node = {q: len(groups) + i for i, q in enumerate(queues)}
    sink = len(groups) + len(queues)
    arcs: dict[tuple[int, int], int] = {}
    for g, (skills, members) in enumerate(groups.items()):
        flow.set_node_supply(g, len(members))
        for q in skills:
            arcs[g, q] = flow.add_arc_with_capacity_and_unit_cost(g, queue_node[q], len(members), 0)
    # Seats of a queue, worth what one more agent there is worth (``QueueNeed.worth``,
    # never rising with n, so the flow fills them in order), then room for everyone
    # at no worth. Costs are shifted to be non-negative.
    top = max(problem.priorities) * 2 * need.floor_weight + 1
    for q in queues:
        on = need.on[q][t]
        for n in range(on + 1, need.seats(q, t) + 1):
            worth = need.worth(q, t, n)
            flow.add_arc_with_capacity_and_unit_cost(queue_node[q], sink, 1, top - worth)
        closed = 0 if problem.queue_open[q][t] else 1  # an open queue first, where worth the same
        flow.add_arc_with_capacity_and_unit_cost(queue_node[q], sink, len(agents), top + closed)
    flow.set_node_supply(sink, -len(agents))
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("the min-cost flow of a slot's queues failed")
    slots = problem.slots
    for g, (skills, members) in enumerate(groups.items()):
        left = {q: flow.flow(arcs[g, q]) for q in skills}
        pending = []
        for a in members:
            previous = serving[a].get((t - 1) % slots)
            if previous is not None and left.get(previous, 0) > 0:
                serving[a][t] = previous
                left[previous] -= 1
            else:
                pending.append(a)
        for a in pending:
            q = next(q for q in skills if left[q] > 0)
            serving[a][t] = q
            left[q] -= 1
        for a in members:
            need.add(serving[a][t], t)


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
