"""Name analysis: scripts, transliterations, particles and structure."""

from pcms.matching import compare
from pcms.matching.names import compare_names, parse_name

from .helpers import person


def name_score(a: str, b: str) -> float:
    return compare_names(parse_name(a), parse_name(b)).score


def name_level(a: str, b: str) -> str:
    result = compare(person(name=a), person(name=b))
    return next(e.level for e in result.explanation if e.code == "name")


def test_arabic_script_matches_latin_transliteration():
    for latin in (
        "Mohamed Ould Abdallahi",
        "MOHAMEDOU O. ABDELLAHI",
        "Muhammad Ould Abdullah",
    ):
        result = compare(person(name="محمد ولد عبد الله"), person(name=latin))
        assert result.is_match, latin
        assert name_level("محمد ولد عبد الله", latin) == "strong"


def test_latin_transliterations_of_the_same_name_agree():
    for a, b in [
        ("Mohamed Traore", "Mahamat Traore"),
        ("Mahamadou Traore", "Mohamedou Traore"),
        ("Mamadou Traore", "Mohamed Traore"),
        ("Abdallahi Diallo", "Abdoulaye Diallo"),
        ("Abdullahi Diallo", "Abdallahi Diallo"),
        ("Fatimata Diallo", "Fatoumata Diallo"),
        ("Fatimetou Diallo", "Fatimata Diallo"),
    ]:
        assert name_level(a, b) in ("strong", "exact"), (a, b)


def test_distinct_names_with_similar_consonants_are_not_variants():
    # Mahmoud and Mohamed share a consonant skeleton but are different names.
    assert name_level("Mahmoud Ould Ahmed", "Mohamed Ould Ahmed") in ("weak", "different")


def test_ould_order_matters():
    a = person(name="Mohamed Ould Abdallahi", birthDate="1980")
    b = person(name="Abdallahi Ould Mohamed", birthDate="1980")
    result = compare(a, b)
    assert not result.is_match
    assert name_level("Mohamed Ould Abdallahi", "Abdallahi Ould Mohamed") == "reversed"


def test_mint_order_matters():
    assert name_level("Aicha Mint Ahmed", "Ahmed Mint Aicha") == "reversed"


def test_ag_and_welet_are_lineage_particles():
    parsed = parse_name("Iyad Ag Ghaly")
    assert parsed.lineage and parsed.gender == "male"
    assert [t.latin for t in parsed.tokens] == ["iyad", "ghaly"]
    assert parse_name("Fadimata Welet Intalla").gender == "female"
    assert name_level("Iyad Ag Ghaly", "Ghaly Ag Iyad") == "reversed"



def test_given_names_that_look_like_particles_stay_names():
    parsed = parse_name("Bintou Koné")  # a common given name, not "bint" (daughter of)
    assert not parsed.lineage
    assert [t.latin for t in parsed.tokens] == ["bintou", "kone"]
    assert name_level("Bintou Koné", "Awa Koné") != "strong"


def test_known_family_names_with_alike_consonants_are_different_names():
    # Diarra and Touré both read "tr" once d and t are one sound: the same given name, birth
    # date and nationality do not make them one person.
    assert name_level("Fanta Toure", "Fanta Diarra") != "strong"
    assert not compare(person(name="Fanta Toure", birthDate="1990-01-01", nationality="ml"),
                       person(name="Fanta Diarra", birthDate="1990-01-01", nationality="ml")).is_match
    assert name_level("Fanta Diarra", "Fanta Diara") in ("strong", "exact")

def test_ben_ibn_are_lineage_particles_in_both_scripts():
    assert name_level("Ali Ben Salem", "علي بن سالم") == "strong"
    assert name_level("Ali Ibn Salem", "Ali Ben Salem") == "exact"


def test_abou_abu_and_el_al_are_joined_to_the_next_word():
    assert [t.latin for t in parse_name("Abou Bakr Maiga").tokens] == ["aboubakr", "maiga"]
    assert name_level("Abu Bakr Maiga", "Aboubacar Maiga") == "strong"
    assert name_level("El Hadj Oumar Tall", "Al Hadj Omar Tall") in ("strong", "exact")
    assert name_level("Elhadj Oumar Tall", "El Hadj Oumar Tall") == "exact"


def test_surname_written_first_in_capitals():
    parsed = parse_name("TRAORE Moussa")
    assert [t.latin for t in parsed.tokens] == ["moussa", "traore"]
    assert name_level("TRAORE Moussa", "Moussa Traoré") == "exact"
    assert name_level("OULD ABDALLAHI Mohamed", "Mohamed Ould Abdallahi") == "exact"


def test_dropped_particle_still_matches():
    assert name_level("Mohamed Abdallahi", "Mohamed Ould Abdallahi") == "exact"
    assert compare(person(name="Mohamed Abdallahi"), person(name="Mohamed Ould Abdallahi")).is_match


def test_o_dot_is_an_abbreviation_of_ould():
    parsed = parse_name("Mohamedou O. Abdellahi")
    assert parsed.lineage
    assert [t.latin for t in parsed.tokens] == ["mohamedou", "abdellahi"]


def test_typo_in_a_name_is_a_close_match():
    assert name_score("Moussa Traore", "Moussa Traroe") >= 0.75
    assert name_level("Boubacar Keita", "Boubacar Kieta") in ("close", "strong")


def test_different_people_have_different_names():
    assert name_level("Moussa Traore", "Ibrahim Diallo") == "different"
    assert not compare(person(name="Moussa Traore"), person(name="Ibrahim Diallo")).is_match


def test_extra_grandfather_name_is_a_partial_match():
    assert name_level("Mohamed Ould Ahmed Ould Sidi", "Mohamed Ould Ahmed") == "close"


def test_one_word_name_is_weak_evidence():
    assert not compare(person(name="Moussa"), person(name="Moussa")).is_match


def test_compound_names_written_together_or_apart():
    assert name_level("Sidi Mohamed Ould Cheikh", "Sidimohamed Ould Cheikh") == "exact"


def test_a_word_split_in_two_still_matches():
    assert name_score("Kate Lin Dent", "Katelin Dent") >= 0.9
    assert name_score("Abdel Kader Traore", "Abdelkader Traore") >= 0.9
