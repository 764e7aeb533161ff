# %% [markdown]
# # Finanziamenti per bando e finanziatore / Funding per call and funder
#
# Chi ha messo quanti euro in ciascun bando, anno per anno, e quanto ne è stato assegnato. Ogni cifra è la risposta
# di una query di `queries/` sul rilascio pubblicato, aperto con `cowork_data.open()`; i test la confrontano con
# `queries/expected/`.
#
# *Who put how much money into each call, year by year, and how much of it was awarded. Every figure is the answer of
# a query in `queries/` on the published release, opened with `cowork_data.open()`; the tests compare it with
# `queries/expected/`.*

# %%
import cowork_data
from cowork_data.config import project_root
from cowork_data.site.charts import frame_chart

release = cowork_data.open()
QUERIES = project_root() / "queries"
list(release.tables)

# %% [markdown]
# ## Il bando coworking 2013 di Milano / Milan's 2013 coworking call
#
# Due finanziatori: il Comune e la Camera di Commercio. / Two funders: the city and the Chamber of Commerce.

# %%
funding_2013 = release.query_file(QUERIES / "funding-2013.rq")
funding_2013

# %%
frame_chart(funding_2013, label="funder", values={"amount": ("Quota", "Share")}, slug="funding-2013",
            title_it="Finanziamento del bando coworking 2013", title_en="Funding of the 2013 coworking call",
            desc_it="Euro per finanziatore.", desc_en="Euro per funder.", unit="EUR")

# %% [markdown]
# ## Per finanziatore e anno / Per funder and year
#
# L'anno è quello nell'identificativo del bando (`{belfiore}/{anno}-{slug}`). / The year is the one in the call's
# identifier.

# %%
per_funder_year = release.query_file(QUERIES / "funding-per-funder-year.rq")
per_funder_year

# %%
frame_chart(per_funder_year, label=["funder", "year"], values={"total": ("Totale", "Total")},
            slug="funding-per-funder-year", title_it="Finanziamenti per finanziatore e anno",
            title_en="Funding per funder and year", unit="EUR")

# %% [markdown]
# ## Budget e quota assegnata per bando / Budget and uptake per call
#
# Nessun elenco di assegnazioni è pubblicato (erano solo PDF), quindi l'assegnato è 0 finché non se ne raccoglie uno.
# / No award list is shipped (they were only published as PDFs), so the amounts awarded are 0 until one is harvested.

# %%
budget = release.query_file(QUERIES / "budget-per-call.rq")
budget

# %%
frame_chart(budget, label="call", values={"budget": ("Budget", "Budget"), "awarded": ("Assegnato", "Awarded")},
            slug="budget-per-call", title_it="Budget e assegnato per bando", title_en="Budget and awarded per call",
            unit="EUR")

# %% [markdown]
# ## Massimali dei contributi 2017 / The 2017 award caps

# %%
caps_2017 = release.query_file(QUERIES / "caps-2017.rq")
caps_2017

# %% [markdown]
# Le cifre di questo quaderno, con il nome del file atteso in `queries/expected/`. / The figures of this notebook,
# by the name of their expected file in `queries/expected/`.

# %%
FIGURES = {"funding-2013": funding_2013, "funding-per-funder-year": per_funder_year, "budget-per-call": budget,
           "caps-2017": caps_2017}
sorted(FIGURES)
