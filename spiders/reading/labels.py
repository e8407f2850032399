"""Labels that real ads put before a value, in the languages of the markets where UK machinery is
resold, mapped to listing fields and identifier kinds.

The words are the ones the classifieds and dealer portals of each market print in their spec
tables (English and Irish usage, German, French, Dutch, Polish, Lithuanian, Romanian, Spanish,
Italian, Portuguese, Norwegian, Swedish, Danish). A label is compared folded: lower case,
accents removed, punctuation and a trailing "no."/"nr"/"#" ignored, so "Numer seryjny:",
"N° de série" and "Serial No." all match.
"""

from __future__ import annotations

import re
import unicodedata

# field or identifier kind -> labels (folded forms are built below)
LABELS: dict[str, tuple[str, ...]] = {
    "serial": ("serial", "serial number", "serial no", "s/n", "sn", "product serial", "machine serial",
               "seriennummer", "serien nr", "fabriknummer", "fahrgestell seriennummer", "numero de serie",
               "n de serie", "no de serie", "serienummer", "serienr", "numer seryjny", "nr seryjny",
               "serijos numeris", "serijinis numeris", "numar de serie", "numarul de serie", "seria",
               "numero di serie", "matricola", "numero serie", "numero de serie", "serienummer",
               "tillverkningsnummer", "produktionsnummer"),
    "vin": ("vin", "vin number", "vehicle identification number", "fin", "fahrzeug identifizierungsnummer",
            "fahrzeugidentifikationsnummer", "numero vin", "vin kodas", "kod vin", "numer vin", "cod vin",
            "numero de bastidor", "bastidor", "telaio", "numero di telaio", "chassi", "numero do chassi"),
    "frame": ("chassis", "chassis number", "chassis no", "frame", "frame number", "frame no", "fahrgestellnummer",
              "fahrgestell nr", "rahmennummer", "numero de chassis", "chassisnummer", "chassisnr", "framenummer",
              "numer ramy", "nr ramy", "numer nadwozia", "vaziuokles numeris", "remo numeris", "sasiu",
              "numar sasiu", "serie sasiu", "numero de chasis", "chasis", "numero de quadro", "quadro",
              "understellsnummer", "rammenummer", "ramnummer", "stelnummer"),
    "pin": ("pin", "product identification number", "machine pin", "iso pin"),
    "engine": ("engine number", "engine no", "engine serial", "motornummer", "motor nr", "numero moteur",
               "numero de moteur", "n moteur", "motornummer", "numer silnika", "nr silnika", "variklio numeris",
               "serie motor", "numar motor", "numero de motor", "numero motore", "matricola motore",
               "motornr"),
    "registration": ("registration", "registration number", "reg", "reg no", "reg number", "number plate",
                     "registration mark", "licence plate", "license plate", "plate", "kennzeichen",
                     "amtliches kennzeichen", "immatriculation", "plaque d immatriculation", "kenteken",
                     "numer rejestracyjny", "nr rejestracyjny", "valstybinis numeris", "numar de inmatriculare",
                     "matricula", "targa", "numero di targa", "registreringsnummer", "reg nr", "kjennemerke",
                     "registreringsnr", "nummerplade"),
    "ear_tag": ("ear tag", "eartag", "tag number", "ohrmarke", "ohrmarkennummer", "boucle", "numero de boucle",
                "oormerk", "oornummer", "kolczyk", "numer kolczyka", "auskaras", "crotal", "marca auricular",
                "crotal auricular", "marca auricolare", "brinco", "oremerke", "oronmarke", "oremaerke"),
    "microchip": ("microchip", "micro chip", "chip", "chip number", "transponder", "transponder number",
                  "microchipnummer", "chipnummer", "puce", "numero de puce", "transpondeur", "mikrochip",
                  "numer chipa", "mikroschema", "mikrocipas", "cip", "numar cip", "numero de microchip",
                  "numero microchip", "numero do microchip"),
    "ueln": ("ueln", "passport", "passport number", "equine passport", "life number", "pferdepass",
             "lebensnummer", "passeport", "numero sire", "paspoort", "paszport", "pasas", "pasaport",
             "pasaporte", "passaporto", "passaporte", "hestepass", "hastpass"),
    "stock": ("stock", "stock number", "stock no", "stock #", "stock ref", "ref", "reference", "ref no",
              "dealer ref", "our ref", "advert ref", "bestandsnummer", "interne nummer", "referenz",
              "angebotsnummer", "reference interne", "referentie", "referentienummer", "numer referencyjny",
              "nr referencyjny", "nuoroda", "referinta", "referencia", "riferimento", "codice annuncio",
              "referencia interna", "referanse", "referens", "lagernummer", "lagernr"),
    "make": ("make", "manufacturer", "brand", "marke", "hersteller", "fabrikat", "marque", "fabricant", "merk",
             "fabrikant", "marka", "producent", "gamintojas", "marca", "producator", "fabricante", "marca",
             "produttore", "merke", "produsent", "marke", "tillverkare", "maerke", "fabrikat"),
    "model": ("model", "modell", "modele", "modelis", "modelo", "modello"),
    "year": ("year", "year of manufacture", "model year", "first registration", "baujahr", "erstzulassung",
             "annee", "annee de fabrication", "bouwjaar", "rok produkcji", "rok", "pagaminimo metai", "metai",
             "anul fabricatiei", "an fabricatie", "ano", "ano de fabricacion", "anno", "anno di costruzione",
             "ano de fabrico", "arsmodell", "argang", "ar", "aargang", "produktionsaar"),
    "hours": ("hours", "operating hours", "engine hours", "betriebsstunden", "heures", "heures de fonctionnement",
              "draaiuren", "urenstand", "motogodziny", "moto valandos", "ore de functionare", "horas",
              "horas de trabajo", "ore", "ore di lavoro", "timer", "driftstimer", "drifttimmar", "timmar"),
    "colour": ("colour", "color", "exterior", "exterior colour", "farbe", "couleur", "kleur", "kolor", "spalva",
               "culoare", "colore", "cor", "farge", "farg", "farve"),
    "location": ("location", "item location", "located in", "location of item", "place", "town", "area",
                 "machine location", "vehicle location", "boat location", "location of machine", "city",
                 "town/city", "county", "region", "collection from", "pick up from", "pickup location",
                 "maschinenstandort", "fahrzeugstandort", "region", "stadt", "ville", "region", "plaats",
                 "woonplaats", "miasto", "wojewodztwo", "miestas", "oras", "ciudad", "provincia", "citta",
                 "cidade", "distrito", "fylke", "kommune", "stad", "lan", "kommun", "postnummer",
                 "standort", "ort", "artikelstandort", "lieu", "localisation", "emplacement", "locatie",
                 "plaats", "vestiging", "lokalizacja", "miejscowosc", "vieta", "buvimo vieta", "locatie",
                 "locatia", "localitate", "ubicacion", "localizacion", "localidad", "localita", "posizione",
                 "luogo", "localizacao", "local", "sted", "beliggenhet", "plats", "ort", "placering",
                 "beliggenhed"),
    "seller": ("seller", "sold by", "dealer", "vendor", "advertiser", "contact", "contact name", "posted by",
               "verkaufer", "anbieter", "handler", "vendeur", "annonceur", "verkoper", "adverteerder",
               "sprzedawca", "ogloszeniodawca", "pardavejas", "vanzator", "vendedor", "anunciante",
               "venditore", "inserzionista", "selger", "forhandler", "saljare", "annonsor", "saelger"),
    "price": ("price", "asking price", "preis", "prix", "prijs", "vraagprijs", "cena", "kaina", "pret", "precio",
              "prezzo", "preco", "pris"),
}
IDENTIFIER_KINDS = ("serial", "vin", "frame", "pin", "engine", "registration", "ear_tag", "microchip", "ueln",
                    "stock")


def fold(label: str) -> str:
    """'N° de série :' -> 'n de serie'; 'Stock#' -> 'stock'; 'Engine No.' -> 'engine number'.

    Accents and punctuation are dropped; "no", "nr" or "num" after a word means "number"."""
    text = unicodedata.normalize("NFKD", str(label)).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9/ ]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s(?:no|nr|num)$", " number", text)
    return text.strip()


_TABLE: dict[str, str] = {}
for _field, _labels in LABELS.items():
    for _label in _labels:
        _TABLE.setdefault(fold(_label), _field)


def field_for_label(label: str | None) -> str | None:
    """The listing field or identifier kind a printed label stands for, or None."""
    if not label:
        return None
    key = fold(label)
    if not key or len(key) > 40:
        return None
    return _TABLE.get(key)
