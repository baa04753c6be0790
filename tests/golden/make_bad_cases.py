#!/usr/bin/env python3
"""Writes the bad-input golden cases (tests/golden/cases/bad_*): each is a
small valid study with one thing wrong. Run it, then `bless.sh` records
each case's expected stdout, stderr and status, which are reviewed by eye
and committed. The cases exist as files; this script only makes them
reproducible and easy to extend."""
import os, shutil

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")

AREAS = ("area_id,area_name,population\n"
         "A1,North,1200\nA2,South,900\nA3,East,1500\n")
SURVEY = ("resp_id,area_id,age,coh1,coh2,coh3\n"
          "R1,A1,34,4,5,4\nR2,A1,51,3,4,4\nR3,A2,29,2,2,3\n"
          "R4,A2,62,3,2,2\nR5,A3,45,5,4,5\nR6,A3,38,4,4,3\n")
STUDY = """[study]
title = Bad input test
seed = 7

[survey]
file = survey.csv
respondent = resp_id
area = area_id
missing = NA

[areas]
file = areas.csv
area = area_id
name = area_name

[scale cohesion]
items = coh1, coh2, coh3
range = 1, 5
"""
RUN = '"$ECOMETER" run study.ini -o out -j "$J" --quiet\n'
NO_OUTPUT = ('test ! -e out || { echo "out/ was created"; exit 1; }\n'
             'if ls -d out.tmp-* >/dev/null 2>&1; then echo "temporary folder left"; exit 1; fi\n')


def case(name, survey=SURVEY, areas=AREAS, study=STUDY, cmd=RUN,
         check=NO_OUTPUT, extra=None):
    d = os.path.join(CASES, "bad_" + name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    files = {"survey.csv": survey, "areas.csv": areas, "study.ini": study,
             "cmd": cmd, "check": check}
    files.update(extra or {})
    for f, text in files.items():
        if text is None:
            continue
        data = text if isinstance(text, bytes) else text.encode()
        with open(os.path.join(d, f), "wb") as fh:
            fh.write(data)


def survey_with(line_no, new):
    lines = SURVEY.splitlines(True)
    lines[line_no - 1] = new + "\n"
    return "".join(lines)


def study_with(old, new):
    assert old in STUDY, old
    return STUDY.replace(old, new)


# --- CSV structure -------------------------------------------------------
case("ragged_short", survey_with(3, "R2,A1,51,3,4"))
case("ragged_long", survey_with(4, "R3,A2,29,2,2,3,9"))
case("quote_inside_field", survey_with(3, 'R2,A"1",51,3,4,4'))
case("text_after_quote", survey_with(5, 'R4,"A2"x,62,3,2,2'))
case("unterminated_quote", SURVEY + 'R7,"A3,40,4,4,4\n')
case("truncated_file", SURVEY[:-9])
case("empty_survey", "")
case("header_only", SURVEY.splitlines(True)[0])
case("not_utf8", survey_with(6, "R5,A3,45,5,4,5").replace("R5,A3", "R\xe95,A3").encode("latin-1"))
case("nul_byte", SURVEY.replace("R4,A2", "R4\0,A2"))
case("long_field", survey_with(3, "R2,A1,51," + "5" * 70 + ",4,4"))
case("duplicate_header", SURVEY.replace("age,coh1", "coh2,coh1"))
case("missing_file", survey=None)
case("crlf_bad_item", SURVEY.replace("\n", "\r\n").replace("R5,A3,45,5,4,5", "R5,A3,45,5,7,5"))
case("quoted_newline_line_count",
     "resp_id,note,area_id,age,coh1,coh2,coh3\n"
     'R1,"line one\nline two",A1,34,4,5,4\n'
     'R2,"a\r\nb\nc",A1,51,3,4,4\n'
     "R3,,A2,29,2,x,3\n")
# --- cells ---------------------------------------------------------------
case("text_for_number", survey_with(4, "R3,A2,29,two,2,3"))
case("item_out_of_range", survey_with(2, "R1,A1,34,4,6,4"))
case("item_not_integer", survey_with(7, "R6,A3,38,4,2.5,3"))
case("item_decimal_comma", survey_with(7, 'R6,A3,38,"4,0",4,3'))
case("many_bad_cells", survey_with(2, "R1,A1,34,0,9,x") )
# --- ids -----------------------------------------------------------------
case("duplicate_respondent", survey_with(5, "R3,A2,62,3,2,2"))
# each repeated id once, in the order the ids first appear in the file
# (A2 as an area id before it is a respondent's), not by line
case("duplicate_respondents_in_order",
     "resp_id,area_id,age,coh1,coh2,coh3\n"
     "R1,A2,34,4,5,4\nR3,A1,51,3,4,4\nR3,A2,29,2,2,3\nA2,A3,62,3,2,2\n"
     "R1,A3,45,5,4,5\nA2,A1,38,4,4,3\nR1,A1,40,4,4,3\n")
case("duplicate_area", areas=AREAS + "A2,South again,700\n")
case("unknown_area", survey_with(6, "R5,A9,45,5,4,5"))
case("missing_area_id", survey_with(3, "R2,,51,3,4,4"))
case("unknown_item_column", study=study_with("items = coh1, coh2, coh3", "items = coh1, coh2, coh6"))
case("unknown_area_column", study=study_with("area = area_id\nname", "area = area_code\nname"))
# --- the study file ------------------------------------------------------
case("study_unknown_section", study=STUDY + "\n[colour]\nhue = blue\n")
case("study_unknown_key", study=study_with("missing = NA", "missing = NA\ncolour = blue"))
case("study_missing_key", study=study_with("file = survey.csv\n", ""))
case("study_no_survey", study=STUDY.split("[survey]")[0] + "[areas]\nfile = areas.csv\n")
case("study_bad_range", study=study_with("range = 1, 5", "range = 5, 1"))
case("study_reverse_not_item", study=study_with("range = 1, 5", "range = 1, 5\nreverse = coh9"))
case("study_long_line", study=study_with("title = Bad input test", "title = " + "very " * 45 + "long"))
case("study_duplicate_key", study=study_with("seed = 7", "seed = 7\nseed = 8"))
case("study_unnamed_scale", study=study_with("[scale cohesion]", "[scale]"))
case("study_bad_seed", study=study_with("seed = 7", "seed = seven"))
case("study_not_utf8", study=study_with("Bad input test", "Caf\xe9 study").encode("latin-1"))
case("study_empty", study="")
case("study_combine_unknown", study=STUDY + "\n[scale efficacy]\ncombine = cohesion, control\n")
case("study_bad_choice", study=STUDY + "\n[compare crimes]\nobserved = c\nexpected = e\noverdispersion = lots\n")
case("study_key_outside_section", study="seed = 7\n" + STUDY)
case("study_missing_file", study=None, cmd='"$ECOMETER" run nowhere.ini -o out -j "$J" --quiet\n')
# --- check lists every problem ------------------------------------------
case("check_lists_all",
     SURVEY.replace("R2,A1,51,3,4,4", "R2,A1,51,3,8,4").replace("R4,A2,62,3,2,2", "R4,A7,62,3,2,2")
     .replace("R6,A3,38,4,4,3", "R6,A3,38,4,4,three"),
     cmd='"$ECOMETER" check study.ini\n')
# --- a failed run leaves the previous output as it was ------------------
case("previous_output_kept", survey_with(4, "R3,A2,29,two,2,3"),
     cmd='mkdir -p out && echo before > out/marker && "$ECOMETER" run study.ini -o out -j "$J" --quiet\n',
     check='test "$(cat out/marker)" = before || { echo "out/ was changed"; exit 1; }\n'
           'test "$(ls out)" = marker || { echo "out/ has new files"; exit 1; }\n'
           'if ls -d out.tmp-* >/dev/null 2>&1; then echo "temporary folder left"; exit 1; fi\n')
# --- [evaluate] needs a scale outcome, waves and a treatment column ------
EVALUATE = "\n[evaluate timebank]\noutcome = {}\ntreated = {}\nstart = 2\n"
case("evaluate_outcome_not_scale", study=STUDY + EVALUATE.format("age", "population"))
case("evaluate_without_waves", study=STUDY + EVALUATE.format("cohesion", "population"))
def two_waves():
    """SURVEY's respondents answering in wave 1, and again (new ids) in 2."""
    rows = SURVEY.splitlines()[1:]
    out = ["resp_id,area_id,wave,age,coh1,coh2,coh3"]
    for wave in (1, 2):
        for r in rows:
            rid, area, rest = r.split(",", 2)
            out.append(f"{rid}w{wave},{area},{wave},{rest}")
    return "\n".join(out) + "\n"


# with waves, an id may come back in a later wave but not twice in one
case("duplicate_respondent_in_wave",
     two_waves().replace("R2w2,A1,2", "R2w1,A1,2").replace("R5w1,A3,1", "R4w1,A2,1"),
     study=STUDY.replace("area = area_id\nmissing", "area = area_id\nwave = wave\nmissing"))
case("evaluate_treated_missing", two_waves(),
     study=STUDY.replace("area = area_id\nmissing", "area = area_id\nwave = wave\nmissing")
     + EVALUATE.format("cohesion", "timebank"))
