"""The extraction engine as an ordered list of named components over one article document.

    text -> sentences -> domain -> country -> restatements -> cues -> actors -> triggers (candidates)
         -> events (per sentence: follow_up, reference, reaction, toll, elaboration, date, modality, roles,
            place, split, merge) -> title_actor -> subsume -> protest_policing -> evidence -> decide -> rows

Each component is a frozen object holding at most the shared ``Resources``; it declares the document
attributes it ``reads`` and ``writes`` and keeps no per-article state. ``build_pipeline`` returns the default
list, optionally with components replaced by name; ``insert_after``/``insert_before`` add one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pipeline.extract.components.actors import ReadActors
from pipeline.extract.components.assemble import ProtestPolicing, SubsumeVague, TitleActor
from pipeline.extract.components.base import Component, check_pipeline, run_pipeline
from pipeline.extract.components.country import ArticleCountry
from pipeline.extract.components.cues import FindCues
from pipeline.extract.components.decide import ConfidenceThreshold
from pipeline.extract.components.domain import DomainGate
from pipeline.extract.components.events import CodeEvents, sentence_steps
from pipeline.extract.components.evidence import ChooseEvidence
from pipeline.extract.components.restatements import MarkRestatements
from pipeline.extract.components.rows import EXTRACTOR_VERSION, MakeRows
from pipeline.extract.components.sentences import SplitSentences
from pipeline.extract.components.triggers import ReadTriggers
from pipeline.extract.resources import Resources

__all__ = ["EXTRACTOR_VERSION", "Component", "build_pipeline", "check_pipeline", "component_names",
           "insert_after", "insert_before", "run_pipeline"]


def build_pipeline(resources: Resources, components: Mapping[str, Component] | None = None) -> list[Component]:
    """The default components in order; ``components`` replaces those of the same name (e.g. ``decide``)."""
    default: list[Component] = [
        SplitSentences(resources), DomainGate(resources), ArticleCountry(resources), MarkRestatements(),
        FindCues(resources), ReadActors(resources), ReadTriggers(resources),
        CodeEvents(sentence_steps(resources)), TitleActor(resources), SubsumeVague(), ProtestPolicing(),
        ChooseEvidence(), ConfidenceThreshold(resources), MakeRows(resources),
    ]
    replace = dict(components or {})
    unknown = sorted(set(replace) - {c.name for c in default})
    if unknown:
        raise ValueError(f"extract pipeline: no component named {', '.join(map(repr, unknown))} to replace")
    for name, c in replace.items():
        if c.name != name:
            raise ValueError(f"extract pipeline: component {c.name!r} given to replace {name!r}")
    pipeline = [replace.get(c.name, c) for c in default]
    check_pipeline(pipeline)
    return pipeline


def component_names(components: Sequence[Component]) -> list[str]:
    return [c.name for c in components]


def _insert(components: Sequence[Component], at: str, component: Component, offset: int) -> list[Component]:
    names = component_names(components)
    if at not in names:
        raise ValueError(f"extract pipeline: no component named {at!r}")
    k = names.index(at) + offset
    pipeline = [*components[:k], component, *components[k:]]
    check_pipeline(pipeline)
    return pipeline


def insert_after(components: Sequence[Component], name: str, component: Component) -> list[Component]:
    """A copy of ``components`` with ``component`` right after the one called ``name`` (checked)."""
    return _insert(components, name, component, 1)


def insert_before(components: Sequence[Component], name: str, component: Component) -> list[Component]:
    """A copy of ``components`` with ``component`` right before the one called ``name`` (checked)."""
    return _insert(components, name, component, 0)
