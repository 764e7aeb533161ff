"""Bilingual messages and fix hints for table findings, keyed by finding code.

Templates use ``str.format`` with the names ``column`` (the user's header), ``value``, ``title_it`` /
``title_en`` (the schema field's titles), ``note`` (the constraint that failed) and ``expected``.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str, str, str]] = {
    # code: (message_it, message_en, hint_it, hint_en)
    "type-error": (
        "Il valore «{value}» nella colonna «{column}» non è del tipo atteso ({expected_it}).",
        "The value “{value}” in column “{column}” is not of the expected type ({expected_en}).",
        "Scrivi un valore nel formato del campo «{title_it}», ad esempio {example}.",
        "Write a value in the format of the field “{title_en}”, for example {example}.",
    ),
    "constraint-error": (
        "Il valore «{value}» nella colonna «{column}» non rispetta il vincolo: {constraint_it}.",
        "The value “{value}” in column “{column}” breaks the constraint: {constraint_en}.",
        "Correggi il valore del campo «{title_it}», ad esempio {example}.",
        "Correct the value of the field “{title_en}”, for example {example}.",
    ),
    "missing-value": (
        "Manca il valore obbligatorio nella colonna «{column}».",
        "The required value in column “{column}” is missing.",
        "Compila la cella con il campo «{title_it}».",
        "Fill in the cell with the field “{title_en}”.",
    ),
    "unique-error": (
        "Il valore «{value}» nella colonna «{column}» compare più di una volta.",
        "The value “{value}” in column “{column}” appears more than once.",
        "Ogni riga deve avere un valore diverso: elimina il duplicato o correggi il codice.",
        "Each row needs a different value: remove the duplicate or correct the code.",
    ),
    "primary-key": (
        "La chiave «{value}» compare più di una volta.",
        "The key “{value}” appears more than once.",
        "Ogni riga deve avere una chiave diversa.",
        "Each row needs a different key.",
    ),
    "foreign-key": (
        "Il valore «{value}» nella colonna «{column}» non rimanda a nessuna riga della tabella collegata.",
        "The value “{value}” in column “{column}” does not refer to any row of the linked table.",
        "Usa un codice presente nella tabella collegata, oppure lascia la cella vuota.",
        "Use a code present in the linked table, or leave the cell empty.",
    ),
    "missing-column": (
        "Manca la colonna obbligatoria «{title_it}».",
        "The required column “{title_en}” is missing.",
        "Aggiungi una colonna con intestazione «{title_it}».",
        "Add a column headed “{title_en}”.",
    ),
    "extra-cell": (
        "La riga ha più celle dell'intestazione.",
        "The row has more cells than the header.",
        "Controlla i separatori: un valore può contenere il separatore senza virgolette.",
        "Check the separators: a value may contain the separator without quotes.",
    ),
    "missing-cell": (
        "La riga ha meno celle dell'intestazione (colonna «{column}»).",
        "The row has fewer cells than the header (column “{column}”).",
        "Controlla i separatori della riga.",
        "Check the row's separators.",
    ),
    "blank-row": (
        "La riga è vuota.",
        "The row is blank.",
        "Elimina la riga vuota.",
        "Delete the blank row.",
    ),
    "duplicate-label": (
        "L'intestazione «{value}» compare più di una volta.",
        "The header “{value}” appears more than once.",
        "Rinomina o elimina la colonna duplicata.",
        "Rename or delete the duplicate column.",
    ),
    "vat-check-digit": (
        "La partita IVA «{value}» nella colonna «{column}» ha la cifra di controllo sbagliata.",
        "The VAT number “{value}” in column “{column}” has a wrong check digit.",
        "Ricopia la partita IVA dal registro delle imprese: una cifra è sbagliata o invertita.",
        "Copy the VAT number again from the business register: a digit is wrong or swapped.",
    ),
    "coordinates-swapped": (
        "Latitudine «{value}» e longitudine «{other}» sembrano scambiate.",
        "Latitude “{value}” and longitude “{other}” look swapped.",
        "Scambia i valori: in Italia la latitudine è tra 35 e 47, la longitudine tra 6,5 e 18,6.",
        "Swap the values: in Italy latitude is between 35 and 47, longitude between 6.5 and 18.6.",
    ),
}

TYPE_NAMES: dict[str, tuple[str, str]] = {
    "integer": ("numero intero", "whole number"),
    "number": ("numero", "number"),
    "date": ("data AAAA-MM-GG", "date YYYY-MM-DD"),
    "boolean": ("vero/falso", "true/false"),
    "string": ("testo", "text"),
}

CONSTRAINT_NAMES: dict[str, tuple[str, str]] = {
    "pattern": ("formato {v}", "format {v}"),
    "minimum": ("valore minimo {v}", "minimum value {v}"),
    "maximum": ("valore massimo {v}", "maximum value {v}"),
    "enum": ("uno dei valori {v}", "one of the values {v}"),
    "minLength": ("lunghezza minima {v}", "minimum length {v}"),
    "maxLength": ("lunghezza massima {v}", "maximum length {v}"),
    "required": ("obbligatorio", "required"),
    "unique": ("valore unico", "unique value"),
}
