from recommender.text import fold


def test_fold_forgives_case_accents_hyphens_and_saint_abbreviations() -> None:
    assert fold("Saint-Quentin") == fold("ST QUENTIN") == fold("st-quentin") == "saint quentin"
    assert fold("Sainte-Geneviève-des-Bois") == fold("STE GENEVIEVE DES BOIS")
    assert fold("L'Haÿ-les-Roses") == "l hay les roses"
    assert fold("Œuvre  d’art") == "oeuvre d art"


def test_fold_keeps_words_that_only_start_like_saint() -> None:
    assert fold("Stains") == "stains"
    assert fold("Est") == "est"
