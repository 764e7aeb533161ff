# %% [markdown]
# # Esiti dei bandi / Outcomes of the calls
#
# Quante domande, quante ammesse, quante respinte: gli esiti pubblicati dei bandi, dal grafo (query
# `outcome-2013.rq`, confrontata dai test con `queries/expected/`) e dalla tabella `outcomes`.
#
# *How many applications, how many admitted, how many rejected: the published outcomes of the calls, from the graph
# (the query `outcome-2013.rq`, compared by the tests with `queries/expected/`) and from the `outcomes` table.*

# %%
import polars as pl

import cowork_data
from cowork_data.config import project_root
from cowork_data.site.charts import frame_chart

release = cowork_data.open()
QUERIES = project_root() / "queries"

# %% [markdown]
# ## Il bando coworking 2013 di Milano, per misura / Milan's 2013 call, per measure
#
# La misura 2 dichiara «circa 100» domande (`approximate`); le respinte non sono pubblicate. / Measure 2 states
# "about 100" applications (`approximate`); its rejections are not published.

# %%
outcome_2013 = release.query_file(QUERIES / "outcome-2013.rq")
outcome_2013

# %%
frame_chart(outcome_2013, label="measure",
            values={"applications": ("Domande", "Applications"), "admitted": ("Ammesse", "Admitted"),
                    "rejected": ("Respinte", "Rejected")},
            slug="outcome-2013", title_it="Esito del bando coworking 2013", title_en="Outcome of the 2013 call")

# %% [markdown]
# ## Tutti gli esiti pubblicati / Every published outcome
#
# La tabella `outcomes` con il titolo del bando dalla tabella `calls`, e la quota di ammesse sulle domande. /
# The `outcomes` table with the call's title from `calls`, and the share of admitted applications.

# %%
outcomes = (
    release.tables["outcomes"]
    .join(release.tables["calls"].select(pl.col("id").alias("call_id"), "title"), on="call_id", how="left")
    .select("call_id", "title", "as_of", "applications", "admitted", "rejected", "pending", "approximate",
            (pl.col("admitted") / pl.col("applications")).round(3).alias("admitted_share"))
    .sort("call_id")
)
outcomes

# %%
FIGURES = {"outcome-2013": outcome_2013}
sorted(FIGURES)
