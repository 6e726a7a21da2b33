"""The codebook and the coding agree: every example the codebook gives for a code or a
threat item is a sentence the final coding gives that code or item, and the stored
data pass every check `validate` runs (quotes, items, rounds, audit, review)."""

from analysis import cli, coding


def test_every_codebook_example_is_coded_with_its_code_or_item(data):
    annotations = coding.load_annotations(data)
    coded = set(zip(annotations["sentence_id"], annotations["code"], strict=True))
    coded |= set(zip(annotations["sentence_id"], annotations["item"], strict=True))
    missing = []
    for dimension in data.codebook["dimensions"]:
        for code in dimension["codes"]:
            for entry in [code, *code.get("items", [])]:
                found = coding.anchor(data, entry["example"]["document"], entry["example"]["quote"])
                assert not isinstance(found, str), f"{entry['id']}: {found}"
                if (found.sentence.id, entry["id"]) not in coded:
                    missing.append((entry["id"], found.sentence.id))
    assert not missing, missing


def test_every_threat_item_belongs_to_the_family_its_annotation_names(data):
    annotations = coding.load_annotations(data)
    family = dict(zip(coding.items(data)["item"], coding.items(data)["code"], strict=True))
    threats = annotations[annotations["dimension"] == coding.THREATS]
    assert len(threats) and (threats["item"].map(family) == threats["code"]).all()
    assert (annotations[annotations["dimension"] != coding.THREATS]["item"] == "").all()


def test_the_stored_data_pass_every_check(capsys, data):
    assert cli.validate(data) == 0, capsys.readouterr().out
