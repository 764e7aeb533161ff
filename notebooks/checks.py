# %% [markdown]
# # Controlli tra entità / Cross-entity checks
#
# Le domande che legano spazi, organizzazioni, bandi, finanziamenti e assegnazioni: spazi ammessi senza voucher,
# assegnato entro il finanziato, organizzazioni per forma giuridica, codici fiscali ripetuti, ammissioni di spazi
# sconosciuti. Le regole SHACL `shapes/cross.ttl` controllano le stesse cose a ogni build; qui le si guarda da vicino.
#
# *The questions that tie spaces, organisations, calls, funding and awards together: admitted spaces without a
# voucher, awarded within funded, organisations by legal form, repeated fiscal codes, admissions of unknown spaces.
# The SHACL rules in `shapes/cross.ttl` check the same at every build; here one looks at them closely.*

# %%
import polars as pl

import cowork_data
from cowork_data.config import project_root

release = cowork_data.open()
QUERIES = project_root() / "queries"

# %% [markdown]
# ## Spazi ammessi senza voucher né contributo / Admitted spaces no voucher or grant was spent at

# %%
without_voucher = release.query_file(QUERIES / "admitted-without-voucher.rq")
without_voucher

# %% [markdown]
# ## Assegnato entro il finanziato / Awarded within funded
#
# La quota assegnata (`uptake` = assegnato / budget) di un bando non può superare 1. / A call's uptake cannot
# exceed 1.

# %%
budget = release.query_file(QUERIES / "budget-per-call.rq")
over_budget = budget.filter(pl.col("uptake") > 1)
budget

# %% [markdown]
# ## Organizzazioni per forma giuridica / Organisations by legal form

# %%
legal_forms = release.query_file(QUERIES / "organisations-by-legal-form.rq")
legal_forms

# %% [markdown]
# ## Codici fiscali ripetuti / Repeated fiscal codes
#
# Due organizzazioni con lo stesso codice fiscale o partita IVA sarebbero la stessa. / Two organisations with the
# same fiscal code or VAT number would be the same one.

# %%
repeated_codes = release.query("""
PREFIX cov: <https://w3id.org/italia/onto/COV/>
SELECT ?code (COUNT(DISTINCT ?org) AS ?organisations) WHERE {
  { ?org cov:taxCode ?code } UNION { ?org cov:VATnumber ?code }
}
GROUP BY ?code HAVING (COUNT(DISTINCT ?org) > 1)
ORDER BY ?code
""")
repeated_codes

# %% [markdown]
# ## Ammissioni e finanziamenti che puntano fuori dalle tabelle / Admissions and funding pointing outside the tables
#
# Con le tabelle: ogni ammissione nomina uno spazio di `spaces` e un bando di `calls`; ogni finanziamento un
# finanziatore di `organisations`. / With the tables: every admission names a space and a call that exist; every
# funding row a funder that exists.

# %%
tables = release.tables
unknown_space = tables["admissions"].join(tables["spaces"].select(pl.col("id").alias("space_id")), on="space_id",
                                          how="anti")
unknown_call = tables["admissions"].join(tables["calls"].select(pl.col("id").alias("call_id")), on="call_id",
                                         how="anti")
unknown_funder = tables["funding"].join(tables["organisations"].select(pl.col("id").alias("funder_id")),
                                        on="funder_id", how="anti")
checks = pl.DataFrame({
    "check": ["awarded above budget", "repeated fiscal codes", "admissions of unknown spaces",
              "admissions under unknown calls", "funding by unknown funders"],
    "rows": [over_budget.height, repeated_codes.height, unknown_space.height, unknown_call.height,
             unknown_funder.height],
})
checks

# %%
FIGURES = {"admitted-without-voucher": without_voucher, "budget-per-call": budget,
           "organisations-by-legal-form": legal_forms, "cross-entity-checks": checks}
sorted(FIGURES)
