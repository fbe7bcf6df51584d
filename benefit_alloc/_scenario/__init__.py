"""The parts of :mod:`benefit_alloc.scenario`, one concern per module.

``schema`` (the format and the methods a scenario may run), ``checks`` (cross-checks
between parts of a document), ``build`` (the partnership a document describes),
``analysis`` (explanations, sensitivity sweeps, partner rankings, summaries), ``toml``
(writing a scenario back), ``bundled`` (the scenarios shipped with the package) and
``reference`` (the Markdown reference of the format).  :mod:`benefit_alloc.scenario` holds
the :class:`~benefit_alloc.scenario.Scenario` class, reading files and CSV tables, and
re-exports the public names.
"""
