"""Agents of the programme model: front-line workers and the participants allocated to them.

A :class:`ParticipantAgent` moves through the states ``referred_later -> awaiting_housing ->
housed -> (sustained | failed)``, or ``awaiting_housing -> unhoused`` when no accommodation is
entered within the housing window. Each week it is supported it meets its worker once. Its
weekly decisions compare pre-drawn quantities (see :mod:`sim.draws`, :mod:`sim.population`):

* housing entry in waiting week ``k``: ``k * log_q < log_u`` (geometric waiting time with weekly
  entry probability ``p``, ``log_q = log(1 - p)``);
* tenancy failure in tenancy week ``s``: ``rel_hazard * log_s0[s - 1] < log_v`` (survival
  ``S0(s) ** rel_hazard`` below the participant's uniform: grouped-time proportional hazards).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from .model import ProgrammeModel

__all__ = ["WorkerAgent", "ParticipantAgent", "STATES"]

STATES = ("referred_later", "awaiting_housing", "housed", "sustained", "failed", "unhoused")


class WorkerAgent(mesa.Agent):
    """A front-line worker: true conditions, survey/record scores, recipe membership.

    ``true`` and ``paths`` are memberships in [0, 1] (0/1 under crisp truth);
    ``recipe_membership`` is the maximum path membership and scales the recipe's effect on the
    tenancy hazard of the worker's participants (see :mod:`sim.population`); ``in_recipe`` is
    its crisp projection (membership above 0.5).
    """

    def __init__(self, model: ProgrammeModel, index: int, org: int, true: dict[str, float],
                 observed: dict[str, float], paths: tuple[float, ...]):
        super().__init__(model)
        self.index = index
        self.org = org
        self.true = true
        self.observed = observed
        self.paths = paths
        self.recipe_membership = max(paths, default=0.0)
        self.in_recipe = self.recipe_membership > 0.5
        self.caseload: list[ParticipantAgent] = []
        self.meetings_this_week = 0

    def begin_week(self) -> None:
        self.meetings_this_week = 0

    def meet(self) -> None:
        """Hold this week's meeting with one participant."""
        self.meetings_this_week += 1


class ParticipantAgent(mesa.Agent):
    """A person referred to the programme and allocated to one worker."""

    def __init__(self, model: ProgrammeModel, index: int, worker: WorkerAgent,
                 referral_week: int, needs: int, rel_hazard: float, log_q: float, log_u: float,
                 log_v: float):
        super().__init__(model)
        self.index = index
        self.worker = worker
        self.referral_week = referral_week
        self.needs = needs
        self.rel_hazard = rel_hazard
        self.log_q, self.log_u, self.log_v = log_q, log_u, log_v
        self.state = "referred_later"
        self.housing_week = -1
        self.failure_week = -1
        self.exit_week = -1
        self.n_meetings = 0
        worker.caseload.append(self)

    def _meet(self) -> None:
        self.worker.meet()
        self.n_meetings += 1

    def _move(self, state: str) -> None:
        self.model.count[self.state] -= 1
        self.model.count[state] += 1
        self.state = state

    def step(self) -> None:
        week = self.model.week
        if self.state == "referred_later":
            if week == self.referral_week:
                self._move("awaiting_housing")
                self._meet()
        elif self.state == "awaiting_housing":
            self._meet()
            waited = week - self.referral_week
            if waited * self.log_q < self.log_u:
                self.housing_week = week
                self._move("housed")
            elif waited == self.model.housing_window:
                self.exit_week = week
                self._move("unhoused")
        elif self.state == "housed":
            self._meet()
            tenancy = week - self.housing_week
            if self.rel_hazard * self.model.log_s0[tenancy - 1] < self.log_v:
                self.failure_week = tenancy
                self.exit_week = week
                self._move("failed")
            elif tenancy == self.model.sustain_weeks:
                self.exit_week = week
                self._move("sustained")
