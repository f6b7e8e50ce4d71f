"""ProgrammeModel: the readable, step-by-step Mesa reference of the simulation.

Setup builds the replication's population from the random-draw protocol (:mod:`sim.draws`,
:mod:`sim.population`), creates one :class:`~sim.agents.WorkerAgent` per worker and one
:class:`~sim.agents.ParticipantAgent` per referral, then :meth:`ProgrammeModel.step` advances one
week: workers start the week, every participant acts, the DataCollector records the week. After
:meth:`run` the cohort and participant tables are identical to the batched kernel's for the same
seed (:mod:`sim.kernel`).

References
----------
Mesa 3 documentation (``mesa.Model``, ``mesa.Agent``, ``mesa.DataCollector``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from mesa import DataCollector, Model

from .agents import STATES, ParticipantAgent, WorkerAgent
from .cohort import cohort_arrays, cohort_frame, participant_frame
from .draws import replication_seed
from .kernel import Outcomes
from .population import build_population
from .scenario import Scenario, load_scenario

__all__ = ["ProgrammeModel"]


class ProgrammeModel(Model):
    """One replication of a programme, stepped weekly.

    Parameters
    ----------
    scenario : Scenario or str
        A validated scenario or a built-in name / TOML path.
    seed : int or numpy.random.SeedSequence
        The seed; the model is replication ``rep`` of it.
    rep : int
        Replication index (``simulate_many`` replication ``rep`` equals this model's output).

    Attributes
    ----------
    spec : Scenario
        The programme's scenario. Not called ``scenario``: Mesa 3.5 reserves ``Model.scenario``
        for its own scenario objects (assigning ours there fails).
    """

    def __init__(self, scenario: Scenario | str = "kbop", seed: int | np.random.SeedSequence = 1,
                 rep: int = 0):
        scen = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        rep_seed = replication_seed(seed, rep)
        mesa_seed = np.random.SeedSequence(rep_seed.entropy, spawn_key=(*rep_seed.spawn_key, 2))
        super().__init__(rng=int(mesa_seed.generate_state(1)[0]))  # Mesa's own RNG: unused
        self.spec = scen
        self.seed, self.rep = seed, rep
        self.week = 0
        self.weeks = scen.programme.weeks
        self.housing_window = scen.programme.housing_window_weeks
        self.sustain_weeks = scen.programme.sustain_weeks
        self.log_s0 = [float(x) for x in scen.baseline_log_survival]
        self.population = build_population(scen, seed, range(rep, rep + 1))
        self.count = dict.fromkeys(STATES, 0)
        self.workers = self._make_workers()
        self.participants = self._make_participants()
        self.count["referred_later"] = len(self.participants)
        self.datacollector = DataCollector(model_reporters={
            "week": "week",
            "awaiting_housing": self.n_awaiting_housing,
            "housed": self.n_housed_now,
            "sustained": self.n_sustained,
            "failed": self.n_failed,
            "unhoused": self.n_unhoused,
            "meetings": self.meetings_this_week,
        })

    def _make_workers(self) -> list[WorkerAgent]:
        pop, names = self.population, self.spec.condition_names
        return [
            WorkerAgent(
                self, i, int(pop.org[0, i]),
                true={n: float(pop.true[0, i, k]) for k, n in enumerate(names)},
                observed={n: v[0, i].item() for n, v in pop.observed.items()},
                paths=tuple(float(b) for b in pop.paths[0, i]),
            )
            for i in range(pop.org.shape[1])
        ]

    def _make_participants(self) -> list[ParticipantAgent]:
        pop = self.population
        cols = [pop.worker[0], pop.referral_week[0], pop.needs[0], pop.rel_hazard[0],
                pop.log_q[0], pop.log_u[0], pop.log_v[0]]
        return [
            ParticipantAgent(self, j, self.workers[w], a, n, r, q, u, v)
            for j, (w, a, n, r, q, u, v) in enumerate(zip(*(c.tolist() for c in cols),
                                                          strict=True))
        ]

    # ---------------------------------------------------------------- reporters
    def n_awaiting_housing(self) -> int:
        return self.count["awaiting_housing"]

    def n_housed_now(self) -> int:
        return self.count["housed"]

    def n_sustained(self) -> int:
        return self.count["sustained"]

    def n_failed(self) -> int:
        return self.count["failed"]

    def n_unhoused(self) -> int:
        return self.count["unhoused"]

    def meetings_this_week(self) -> int:
        return sum(w.meetings_this_week for w in self.workers)

    # ---------------------------------------------------------------- dynamics
    def step(self) -> None:
        """Advance one week."""
        self.agents_by_type[WorkerAgent].do("begin_week")
        self.agents_by_type[ParticipantAgent].do("step")
        self.datacollector.collect(self)
        self.week += 1

    def run(self) -> ProgrammeModel:
        """Step through every week of the programme."""
        while self.week < self.weeks:
            self.step()
        return self

    # ---------------------------------------------------------------- output
    def outcomes(self) -> Outcomes:
        ps = self.participants

        def col(attr: str, dtype: type = np.int64) -> np.ndarray:
            return np.array([[getattr(p, attr) for p in ps]], dtype=dtype)

        state = [p.state for p in ps]
        housed = np.array([[s in ("housed", "sustained", "failed") for s in state]])
        return Outcomes(
            housed=housed, housing_week=col("housing_week"),
            failed=np.array([[s == "failed" for s in state]]),
            failure_week=col("failure_week"),
            sustained=np.array([[s == "sustained" for s in state]]),
            exit_week=col("exit_week"), n_meetings=col("n_meetings"),
        )

    def cohort(self) -> pd.DataFrame:
        """The per-worker cohort (see :mod:`sim.cohort`)."""
        return cohort_frame(cohort_arrays(self.spec, self.population, self.outcomes()),
                            with_rep=False)

    def participant_table(self) -> pd.DataFrame:
        """One row per participant."""
        return participant_frame(self.population, self.outcomes())
