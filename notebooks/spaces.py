# %% [markdown]
# # Spazi e postazioni per comune e per regione / Spaces and desks per comune and per region
#
# Per comune dal grafo (query `spaces-per-comune.rq`), per regione dalla tabella `spaces` e dagli elenchi ISTAT e
# INSEE dei comuni (la regione di un comune italiano non è nel grafo). Le righe di Milano pubblicate sono dati
# inventati (fixture). I test confrontano queste cifre con i conteggi fatti a parte sul CSV pubblicato.
#
# *Per comune from the graph (the query `spaces-per-comune.rq`), per region from the `spaces` table and the ISTAT and
# INSEE lists of municipalities (an Italian comune's region is not in the graph). The published Milan rows are
# invented fixtures. The tests compare these figures with counts made separately on the published CSV.*

# %%
import polars as pl

import cowork_data
from cowork_data.config import project_root
from cowork_data.profiles.insee import load_communes
from cowork_data.reference import load_comuni
from cowork_data.site.charts import frame_chart

release = cowork_data.open()
QUERIES = project_root() / "queries"
spaces = release.tables["spaces"]
spaces.select("id", "name", "type", "comune_name", "workstations").head(5)

# %% [markdown]
# ## Per comune e tipo (SPARQL) / Per comune and type (SPARQL)

# %%
per_comune = release.query_file(QUERIES / "spaces-per-comune.rq")
per_comune

# %%
frame_chart(per_comune, label=["comune", "type"],
            values={"spaces": ("Spazi", "Spaces"), "workstations": ("Postazioni", "Workstations")},
            slug="spaces-per-comune", title_it="Spazi e postazioni per comune e tipo",
            title_en="Spaces and workstations per comune and type")

# %% [markdown]
# ## Per regione (tabelle) / Per region (tables)
#
# La regione di ogni comune viene dall'elenco ISTAT in `reference/istat/`; un codice che l'elenco non conosce resta
# senza regione (`null`). / Each comune's region comes from the ISTAT list; a code the list does not know has no
# region (`null`).

# %%
comuni = load_comuni()
regions = pl.DataFrame(
    {"comune_istat": [c.istat for c in comuni], "region": [c.region for c in comuni]},
    schema={"comune_istat": pl.Utf8, "region": pl.Utf8},
)
communes = load_communes()  # France: the région of each commune in INSEE's list (reference/insee/)
regions_fr = pl.DataFrame(
    {"commune_insee": [c.code for c in communes], "region_fr": [communes.region_name(c.region) for c in communes]},
    schema={"commune_insee": pl.Utf8, "region_fr": pl.Utf8},
)
per_region = (
    spaces.join(regions, on="comune_istat", how="left")
    .join(regions_fr, on="commune_insee", how="left")
    .with_columns(pl.coalesce("region", "region_fr").alias("region"))
    .group_by("region")
    .agg(pl.len().alias("spaces"), pl.col("workstations").fill_null(0).sum().alias("workstations"))
    .sort("region", nulls_last=True)
)
per_region

# %%
frame_chart(per_region, label="region",
            values={"spaces": ("Spazi", "Spaces"), "workstations": ("Postazioni", "Workstations")},
            slug="spaces-per-region", title_it="Spazi e postazioni per regione",
            title_en="Spaces and workstations per region")

# %% [markdown]
# ## Per paese e tipo, per regione francese, per classe di comune (SPARQL) / Per country and type, per French
# région, per size class of commune (SPARQL)
#
# L'inventario nazionale dei tiers-lieux (CGET, Mission Coworking, 2019): le tipologie come pubblicate, la regione e
# la popolazione legale del comune dall'elenco INSEE (nel grafo). / France's national inventory of tiers-lieux:
# types as published, the commune's région and legal population from INSEE's list (in the graph).

# %%
per_type = release.query_file(QUERIES / "spaces-per-type.rq")
per_region_fr = release.query_file(QUERIES / "spaces-per-region-fr.rq")
per_size_class = release.query_file(QUERIES / "spaces-per-size-class.rq")
per_region_fr

# %%
frame_chart(per_size_class, label="size_class", values={"spaces": ("Spazi", "Spaces")},
            slug="spaces-per-size-class", title_it="Spazi per classe di popolazione del comune (Francia)",
            title_en="Spaces per population class of commune (France)")

# %%
FIGURES = {"spaces-per-comune": per_comune, "spaces-per-region": per_region, "spaces-per-type": per_type,
           "spaces-per-region-fr": per_region_fr, "spaces-per-size-class": per_size_class}
sorted(FIGURES)
