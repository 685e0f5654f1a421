"""Agent nouns: what a role word makes an unnamed or titled actor, from the Phoenix agents dictionary
(`kg/extract/data/phoenix_agents.yaml`): "minister" -> government, "rebels" -> rebel.

    >>> agent("Foreign Minister").sector
    'GOV'
    >>> agent("rebels").role
    'rebel'
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

from kg.extract.knowledge import active, cached

#: Phoenix's three-letter sector codes and the role each names.
ROLES: dict[str, str] = {
    "GOV": "government",
    "MIL": "military",
    "LEG": "legislature",
    "JUD": "judiciary",
    "COP": "police",
    "SPY": "intelligence",
    "OPP": "opposition",
    "REB": "rebel",
    "UAF": "armed group",
    "INS": "insurgent",
    "CRM": "criminal",
    "BUS": "business",
    "CVL": "civilian",
    "MED": "media",
    "EDU": "education",
    "HLH": "health",
    "AGR": "agriculture",
    "LAB": "labour",
    "ENV": "environment",
    "DEV": "development",
    "HRI": "human rights",
    "REF": "refugee",
    "NGO": "non-governmental organization",
    "NGM": "non-governmental movement",
    "IGO": "international organization",
    "ELI": "elite",
    "PTY": "political party",
    "REL": "religious",
    "RAD": "radical",
    "PPL": "people",
    "MUS": "Muslim",
    "CHR": "Christian",
    "JEW": "Jewish",
    "BUD": "Buddhist",
    "HIN": "Hindu",
    "SPT": "sports",
}


@dataclass(frozen=True)
class Agent:
    """What an agent noun says of an actor."""

    code: str  # Phoenix code without the ~: "GOVFRM", "REB", "NGO"
    prefix: bool  # Phoenix puts the code before the actor's ("NGO~"), not after ("~GOV")

    @property
    def sector(self) -> str:
        """The first three letters: "GOV", "MIL", "REB" ..."""
        return self.code[:3]

    @property
    def role(self) -> str:
        """The sector in words ("government", "rebel"); the code itself if Phoenix's is unknown."""
        return ROLES.get(self.sector, self.code.lower())

    @property
    def official(self) -> bool:
        """A state office: government, military, legislature, judiciary, police, intelligence."""
        return self.sector in ("GOV", "MIL", "LEG", "JUD", "COP", "SPY")


@cached
def _agents() -> dict[str, Agent]:
    """Agent noun (lower case, plurals included) -> Agent. The file is one `"noun": "~CODE"` a line."""
    name = "phoenix_agents.yaml"
    table: dict[str, Agent] = {}
    with io.StringIO(active().text(name)) as stream:
        for number, line in enumerate(stream, start=1):
            if not line.startswith("  "):
                continue
            try:
                item = json.loads("{" + line.strip() + "}")
            except json.JSONDecodeError as e:
                raise ValueError(f'{name}:{number}: not `"noun": "~CODE"`: {e}') from None
            for word, code in item.items():
                if not isinstance(code, str) or "~" not in code:
                    raise ValueError(f"{name}:{number}: agent code {code!r} is not ~CODE or CODE~")
                table[word] = Agent(code.strip("~"), code.endswith("~"))
    if not table:
        raise ValueError(f"{name}: no agent nouns")
    return table


def agent(word: str) -> Agent | None:
    """The agent a role noun or noun phrase names ("minister", "Foreign Ministers", "riot police"),
    or None. Case, hyphens and spacing are ignored."""
    key = " ".join(word.lower().replace("-", " ").split())
    table = _agents()
    return table.get(key) or table.get(word.lower().strip())
