"""French names built from territory names: « CPAM du Tarn », « Maison de santé du Châtelet »."""

from renfort.territories.models import Commune

# Initials before which « de » elides: d'Albi, d'Œuilly, d'Yssingeaux, d'Île-d'Houat.
VOWELS = "AEIOUYÂÀÉÈÊËÎÏÔÛÙŒÆ"


def default_cpam(commune: Commune) -> tuple[str, str]:
    """The CPAM of the site's département (« CPAM du Tarn »); editable afterwards."""
    dep = commune.departement
    return f"CPAM {french_of(dep.name)}", dep.code


def french_of(name: str) -> str:
    """« du Tarn », « de la Creuse », « de l'Ain », « des Landes », « de Paris »."""
    plural = {"Landes", "Pyrénées-Atlantiques", "Hautes-Pyrénées", "Pyrénées-Orientales",
              "Hautes-Alpes", "Alpes-de-Haute-Provence", "Alpes-Maritimes", "Ardennes",
              "Bouches-du-Rhône", "Côtes-d'Armor", "Deux-Sèvres", "Hauts-de-Seine",
              "Vosges", "Yvelines"}  # fmt: skip
    feminine = {"Ardèche", "Ariège", "Aube", "Charente", "Charente-Maritime", "Corrèze",
                "Corse-du-Sud", "Haute-Corse", "Côte-d'Or", "Creuse", "Dordogne", "Drôme",
                "Gironde", "Haute-Garonne", "Haute-Loire", "Haute-Marne", "Haute-Saône",
                "Haute-Savoie", "Haute-Vienne", "Loire", "Loire-Atlantique", "Lozère",
                "Manche", "Marne", "Mayenne", "Meurthe-et-Moselle", "Meuse", "Moselle",
                "Nièvre", "Sarthe", "Savoie", "Seine-Maritime", "Seine-Saint-Denis", "Somme",
                "Vendée", "Vienne", "Guadeloupe", "Martinique", "Guyane",
                "Réunion", "Seine-et-Marne"}  # fmt: skip
    if name in plural:
        return f"des {name}"
    if name in {"Paris", "Mayotte"}:
        return f"de {name}"
    if name[0] in "AEIOUYÉÈ":
        return f"de l'{name}"
    if name in feminine:
        return f"de la {name}"
    return f"du {name}"


def commune_of(name: str) -> str:
    """« de Lacaune », « d'Albi », « du Châtelet », « des Salles », « de La Souterraine »:
    a commune's own article contracts with « de » (« Le », « Les »), otherwise « de » elides
    before a vowel. (french_of is for département names, which take no article of their own.)"""
    if name.startswith("Le "):
        return f"du {name[3:]}"
    if name.startswith("Les "):
        return f"des {name[4:]}"
    if name[:1].upper() in VOWELS:
        return f"d'{name}"
    return f"de {name}"
