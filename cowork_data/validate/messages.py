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
    "email-invalid": (
        "«{value}» nella colonna «{column}» non è un indirizzo e-mail valido.",
        "“{value}” in column “{column}” is not a valid e-mail address.",
        "Scrivi un solo indirizzo nella forma nome@dominio.it, senza spazi, ad esempio {example}.",
        "Write one address in the form name@domain.it, without spaces, for example {example}.",
    ),
    "url-invalid": (
        "«{value}» nella colonna «{column}» non è un indirizzo web completo.",
        "“{value}” in column “{column}” is not a full web address.",
        "Scrivi l'indirizzo completo con https:// (o http://), ad esempio {example}.",
        "Write the full address with https:// (or http://), for example {example}.",
    ),
    "phone-format": (
        "Il telefono «{value}» non è nel formato internazionale: va scritto {other}.",
        "The phone number “{value}” is not in international format: write it as {other}.",
        "Scrivi il numero come +39 seguito dalle cifre, senza spazi: {other}.",
        "Write the number as +39 followed by the digits, without spaces: {other}.",
    ),
    "phone-invalid": (
        "«{value}» nella colonna «{column}» non è un numero di telefono italiano valido.",
        "“{value}” in column “{column}” is not a valid Italian phone number.",
        "Controlla le cifre e scrivi il numero come +39 seguito dalle cifre, ad esempio {example}.",
        "Check the digits and write the number as +39 followed by the digits, for example {example}.",
    ),
    "personal-fiscal-code": (
        "«{value}» nella colonna «{column}» è il codice fiscale di una persona: non va pubblicato.",
        "“{value}” in column “{column}” is a person's fiscal code: it must not be published.",
        "Usa la partita IVA (11 cifre) dell'impresa o dell'associazione, oppure lascia la cella vuota.",
        "Use the 11-digit VAT number of the business or association, or leave the cell empty.",
    ),
    "fiscal-code-check-digit": (
        "Il codice fiscale «{value}» nella colonna «{column}» ha il carattere di controllo sbagliato.",
        "The fiscal code “{value}” in column “{column}” has a wrong check character.",
        "Usa la partita IVA (11 cifre) del gestore, ricopiata dal registro delle imprese.",
        "Use the operator's 11-digit VAT number, copied from the business register.",
    ),
    "feature-unknown": (
        "Dotazioni non riconosciute nella colonna «{column}»: {other}.",
        "Unknown features in column “{column}”: {other}.",
        "Usa solo i codici workstations, wifi, meeting-room, 3d-printer, laser-cutter, cnc-machine, event-space, "
        "kitchen, lockers, printer, separati da uno spazio.",
        "Use only the codes workstations, wifi, meeting-room, 3d-printer, laser-cutter, cnc-machine, event-space, "
        "kitchen, lockers, printer, separated by a space.",
    ),
    "comune-unknown": (
        "Il comune «{value}» non è nell'elenco ISTAT dei comuni (nome più vicino: {other}).",
        "The municipality “{value}” is not in the ISTAT list of municipalities (closest name: {other}).",
        "Scrivi il nome ufficiale del comune come nell'elenco ISTAT, ad esempio {example}.",
        "Write the official name of the municipality as in the ISTAT list, for example {example}.",
    ),
    "comune-code-unknown": (
        "Il codice «{value}» nella colonna «{column}» non corrisponde a nessun comune ISTAT.",
        "The code “{value}” in column “{column}” matches no ISTAT municipality.",
        "Ricopia il codice dall'elenco ISTAT dei comuni, ad esempio {example}.",
        "Copy the code from the ISTAT list of municipalities, for example {example}.",
    ),
    "comune-code-mismatch": (
        "Il codice «{value}» nella colonna «{column}» è del comune di {other}, non del comune indicato nella riga.",
        "The code “{value}” in column “{column}” belongs to {other}, not to the municipality named in the row.",
        "Correggi il codice oppure il nome del comune, in modo che indichino lo stesso comune.",
        "Correct the code or the municipality's name so that both refer to the same municipality.",
    ),
    "duplicate-row": (
        "Lo spazio «{value}» compare già alla riga {other} con lo stesso indirizzo.",
        "The space “{value}” already appears on row {other} with the same address.",
        "Se è lo stesso spazio elimina una delle due righe; se sono spazi diversi distingui i nomi.",
        "If it is the same space delete one of the two rows; if they are different spaces tell the names apart.",
    ),
    "whitespace": (
        "Il valore «{value}» nella colonna «{column}» ha spazi all'inizio o alla fine.",
        "The value “{value}” in column “{column}” has spaces at the start or end.",
        "Elimina gli spazi prima e dopo il valore (cowork-data fix lo fa da solo).",
        "Remove the spaces before and after the value (cowork-data fix does it for you).",
    ),
    "mojibake": (
        "Il testo «{value}» ha caratteri corrotti da una conversione di codifica: probabilmente «{other}».",
        "The text “{value}” has characters garbled by an encoding conversion: probably “{other}”.",
        "Correggi il testo in «{other}» e salva il file in UTF-8 (cowork-data fix lo fa da solo).",
        "Correct the text to “{other}” and save the file as UTF-8 (cowork-data fix does it for you).",
    ),
    "formula-in-cell": (
        "La cella nella colonna «{column}» inizia come una formula («{other}»): Excel o LibreOffice la "
        "eseguirebbero aprendo il file (formula o comando DDE).",
        "The cell in column “{column}” starts like a formula (“{other}”): Excel or LibreOffice would run it when "
        "the file is opened (a formula or a DDE command).",
        "Scrivi il valore come testo, senza =, +, -, @, tabulazione o a capo all'inizio; un telefono va scritto "
        "+39 seguito dalle cifre.",
        "Write the value as text, without =, +, -, @, a tab or a line break at the start; write a phone number as "
        "+39 followed by the digits.",
    ),
    "cell-too-long": (
        "La cella nella colonna «{column}» supera {other} caratteri: il valore è mostrato troncato.",
        "The cell in column “{column}” is longer than {other} characters: its value is shown cut short.",
        "Accorcia il testo: una cella di un elenco non ha bisogno di tanto (forse vi è stato incollato un file "
        "intero).",
        "Shorten the text: a cell of a list does not need that much (a whole file may have been pasted into it).",
    ),
    "shacl": (
        "{value}",
        "{value}",
        "",
        "",
    ),
}

#: Hints that say more than the generic one for a code on a given field: (code, field) → (hint_it, hint_en).
FIELD_HINTS: dict[tuple[str, str], tuple[str, str]] = {
    ("constraint-error", "postcode"): (
        "Il CAP ha sempre 5 cifre: se il foglio ha tolto lo zero iniziale (00184 → 184) formatta la colonna come "
        "testo e riscrivilo.",
        "A CAP always has 5 digits: if the spreadsheet dropped the leading zero (00184 → 184) format the column as "
        "text and write it again.",
    ),
    ("constraint-error", "comune_istat"): (
        "Il codice ISTAT ha sempre 6 cifre con gli zeri iniziali (Milano 015146): formatta la colonna come testo.",
        "The ISTAT code always has 6 digits with leading zeros (Milan 015146): format the column as text.",
    ),
    ("type-error", "latitude"): (
        "Usa il punto come separatore decimale, ad esempio 45.4935.",
        "Use a dot as decimal separator, for example 45.4935.",
    ),
    ("type-error", "longitude"): (
        "Usa il punto come separatore decimale, ad esempio 9.1925.",
        "Use a dot as decimal separator, for example 9.1925.",
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
