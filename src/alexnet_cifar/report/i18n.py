"""Everything the report shows in words, and each language's way of writing numbers and
dates. English is the source, here in ``TEXT``; every other language is a gettext catalog,
``locale/<lang>/LC_MESSAGES/report.po`` (msgctxt: the string's key, msgid: its English text),
which a translator edits without reading Python and which Babel compiles when the report first
needs it. Numbers, percents and dates follow Babel's locale data (CLDR): "80.55%", "4,415,626"
and "November 30, 2026" in English; "80,55 %", "4.415.626" and "30 de noviembre de 2026" in
Spanish.

Plural entries are (one, other) pairs in English; ``Words.plural`` asks the catalog for the
form the count needs.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import math
from functools import cache
from importlib import resources

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

NBSP = "\u00a0"  # CLDR's space inside "80,55 %": the number and its sign stay on one line
DOMAIN = "report"
# CLDR's minimumGroupingDigits (Spanish: 2, so "4415" but "10.000"), which Babel's formatter
# does not apply
MIN_GROUPING = {"es": 2}

TEXT: dict[str, dict[str, str | tuple[str, str]]] = {
    "en": {
        "gallery": "Test images",
        "gallery_confused": "Most confused pair: {a} and {b} (true → predicted)",
        "gallery_sample": "A random sample (true → predicted; green: right, red: wrong)",
        "gallery_title": "{row}, seed {seed}",
        "gallery_no_data": "No gallery of test images: CIFAR-10 was not found where this report "
        "was written; `alexnet-cifar report DIR --data-dir PATH` draws it.",
        "gallery_other_data": "No gallery of test images: the CIFAR-10 found here is not the "
        "data these runs were tested on (its labels differ).",
        "glossary": "Glossary",
        "g_ema_term": "Weight averaging (EMA)",
        "g_ema": "the weights used for testing are an exponential moving average of the weights "
        "over the last training steps, which smooths out the noise of the last updates.",
        "g_tta_term": "Test-time augmentation (TTA)",
        "g_tta": "each test image is classified as it is and flipped horizontally, and the two "
        "predictions are averaged.",
        "g_onecycle_term": "One-cycle schedule",
        "g_onecycle": "the learning rate rises from a small value to its peak over the first "
        "part of training, then falls to almost zero by the last step.",
        "g_smoothing_term": "Label smoothing",
        "g_smoothing": "the training target gives the true class a little less than 100% (90% "
        "with a smoothing of 0.1) and spreads the rest over the other classes, so that the "
        "network is not pushed towards absolute certainty.",
        "g_mcnemar_term": "McNemar's test",
        "g_mcnemar": "compares two models on the same test images, counting only the images "
        "one gets right and the other wrong; a small p means the difference is unlikely to be "
        "chance on those images, and says nothing about other seeds.",
        "g_interval_term": "95% interval",
        "g_interval": "a range that, computed the same way in 95 of 100 repetitions, contains "
        "the true value; over seeds it comes from the spread between runs, over test images "
        "from resampling the test set (bootstrap).",
        "g_bf16_term": "bf16 (bfloat16)",
        "g_bf16": "a 16-bit number format with the range of 32-bit numbers and less precision. "
        "GPUs since Ampere and CPUs with avx512_bf16 or AMX compute in it; any other CPU "
        "computes in fp32, in about twice the time.",
        "not_in_study": "not a row of this study",
        "their_row": "earlier study's model",
        "d_px": "{ours} px images instead of {theirs} px",
        "d_epochs": "{ours} epochs instead of {theirs}",
        "d_bn_added": "BatchNorm, which that study did not use",
        "d_bn_removed": "no BatchNorm, which that study used",
        "d_optimizer": "{ours} instead of {theirs}",
        "d_schedule": "a {schedule} learning-rate schedule",
        "d_smoothing": "label smoothing of {x}",
        "d_augment": "augmentation by {how}",
        "d_ema": "weight averaging (EMA)",
        "d_tta": "test-time augmentation by {how} (without it, {single})",
        "d_unknown": "nothing this study can tell from the earlier study's description",
        "lbl_scratch": "{fw} from scratch",
        "lbl_pretrained": "{fw} from {source}",
        "lbl_source": "the {fw} source network",
        "s_best": "{best} is the most accurate: {acc} of the test images against {acc2} for "
        "{second}.",
        "s_level": "{rows} are level: {accs} of the test images, a gap this study cannot tell "
        "from the noise between seeds.",
        "s_one": "{row} classifies {acc} of the test images correctly.",
        "s_time": "On {hw}, an epoch takes {parts}; {verdict}.",
        "s_time_part": "{s} s ({row})",
        "s_faster": "{fast} trains {ratio} times as fast",
        "s_speed_open": "these runs cannot tell which of the two is faster",
        "s_not_run": ("{rows} did not run (see the notes).", "{rows} did not run (see the notes)."),
        "s_transfer": "Fine-tuned from the source network, {fw} reaches {parts}.",
        "s_transfer_part": "{ft} against {sc} from scratch with {n} images per class",
        "fw_pytorch": "PyTorch",
        "fw_keras": "Keras",
        "t_transfer": "transfer between its classes",
        "transfer": "transfer",
        "all_rows": "All rows of the study",
        "tr_start": "start",
        "tr_per_class": ("{n} image per class", "{n} images per class"),
        "tr_kind_scratch": "from scratch ({fw})",
        "tr_kind_head": "new last layer only ({fw})",
        "tr_kind_finetune": "whole network fine-tuned ({fw})",
        "tr_kind_mismatched": "fine-tuned, channels in the other order ({fw})",
        "tr_from_other": "{line}, from the {fw} source",
        "tr_pts": "{d} points",
        "tr_table": "Target task: test accuracy by start and training images per class",
        "tr_gain_table": "Target task: each start minus training from scratch, in points "
        "(95% interval over seeds; McNemar's p with one seed)",
        "tr_sources": "On their own {k} classes, the source networks reach {parts} test "
        "accuracy (trained on {n} images).",
        "tr_source_part": "{acc} in {fw}",
        "tr_gain": "With {n} training images per class, against training from scratch: {parts}.",
        "tr_helps_everywhere": "Fine-tuning the source network stays ahead of training from "
        "scratch up to {n} images per class, the largest size measured.",
        "tr_helps_partly": "Fine-tuning the source network is shown ahead of training from "
        "scratch at every size up to {n} images per class, the largest measured, though not in "
        "both frameworks everywhere: {where}.",
        "tr_shown_in": "only {fws} with {n} images per class",
        "tr_stops": "From {n} images per class on, the fine-tuned source network is no longer "
        "shown ahead of training from scratch in either framework.",
        "tr_never": "The fine-tuned source network is shown ahead of training from scratch at no "
        "size.",
        "tr_mixed": "The fine-tuned source network is not shown ahead of training from scratch "
        "with {sizes} images per class: the interval of its gain there still includes zero.",
        "tr_mismatch": "Fed its colour channels in the other order than the source saw ({fw}), "
        "the fine-tune changes by {parts}.",
        "tr_mismatch_part": "{d} against the same start fed correctly and {ds} against "
        "training from scratch with {n} images per class",
        "tr_fw_part": "{d} with {n} images per class",
        "tr_fw_same": "Fine-tuned from the same source weights, Keras minus PyTorch: {parts}; "
        "the two frameworks are not told apart at any size.",
        "tr_fw_apart": "Fine-tuned from the same source weights, Keras minus PyTorch: {parts}; "
        "they differ with {sizes} images per class.",
        "tr_crossed_same": "Fine-tuned in {fw} from the {src} source instead of the {main} "
        "one, with {n} images per class: {acc} against {acc_main}, a difference of {d}; not "
        "told apart, so a start ported the other way between the frameworks serves as well.",
        "tr_crossed_apart": "Fine-tuned in {fw} from the {src} source instead of the {main} "
        "one, with {n} images per class: {acc} against {acc_main}, a difference of {d}; the "
        "two starts are told apart.",
        "tr_earlier": "The earlier studies fine-tuned ImageNet weights at 224 px on all ten "
        "classes: {parts}. Their source was ImageNet (1.28 million images of 1,000 classes); "
        "here it is {k} CIFAR-10 classes ({n} images of {px} px) that share no image or label "
        "with the target, so these gains measure what a small related source gives, not what "
        "ImageNet gives.",
        "tr_earlier_part": "{fw} {pre} against {scratch} from scratch ({d} points)",
        "tr_figure": "Target test accuracy against training images per class",
        "tr_fig_x": "training images per class (log scale)",
        "tr_chance": "chance ({pct})",
        "tr_bands": "lines: mean over {seeds}; bands: lowest to highest seed",
        "title": "AlexNet on CIFAR-10",
        "t_starts": "scratch vs pretrained",
        "t_frameworks": "PyTorch vs Keras",
        "single_view": "single view (without test-time augmentation)",
        "preset": "Preset",
        "preset_line": "Preset {name}.",
        "conclusions": "Conclusions",
        "headline": "Results",
        "details": "Details of every row",
        "row": "row",
        "framework": "framework",
        "model": "model",
        "init": "start",
        "init_scratch": "scratch",
        "init_imagenet": "ImageNet weights",
        "precision": "number format",
        "accuracy": "test accuracy (mean over seeds)",
        "sd": "standard deviation over seeds",
        "ci": "95% interval (test images)",
        "range": "lowest and highest seed",
        "seeds": "seeds",
        "seed": "seed",
        "epochs": "epochs",
        "sec_epoch": "seconds per epoch (median, range)",
        "ips": "training images per second (median)",
        "params": "parameters",
        "earlier": "earlier studies (theirs)",
        "to_85": "time to 85% validation accuracy (median)",
        "not_reached": "not reached",
        "to_80": "time to 80% validation accuracy (median)",
        "p_mean": "mean of the classes",
        "p_theirs": "earlier study ({acc})",
        "p_per_class": "Each class beside the earlier PyTorch study's own table: {row}",
        "p_epochs": "Time per epoch beside the earlier studies', each on its machine",
        "p_ours_epoch": "this study: time per epoch (median)",
        "p_our_machine": "this study: input and machine",
        "p_their_epoch": "earlier study: time per epoch",
        "p_machine": "earlier study: machine",
        "p_their_machine": "a Colab GPU",
        "p_resolution": "Each framework from scratch at each input size: what the larger input buys",
        "p_input": "input",
        "p_macs": "multiply-adds per image",
        "p_res": "{fw} from scratch reached {acc_big} at {big} px against {acc_small} at {small} px ({d} points), with {macs} times the multiply-adds per image; {time}.",
        "p_res_time": "an epoch took {ratio} times as long as at {small} px",
        "p_res_time_open": "the runs do not support comparing their epoch times",
        "na": "n/a",
        "not_run_cell": "not run: {why}",
        "why_skipped": "weights not available",
        "why_failed": "error",
        "why_interrupted": "stopped; --resume continues it",
        "why_incomplete": "unfinished, no results.json",
        "why_pending": "not run yet; --resume runs it",
        "pending_note": "{rows}: not run yet; the command under How to reproduce runs them and "
        "keeps the finished rows.",
        "per_seed": "Test accuracy per seed",
        "per_class": "Per-class test accuracy",
        "class": "class",
        "significance": "Is the difference real?",
        "scratch_vs": "scratch vs pretrained",
        "fw_vs": "PyTorch vs Keras",
        "pairs": "every pair",
        "pair": "pair",
        "diff_pp": "B - A (points)",
        "diff_ci": "95% interval over seeds",
        "p_paired": "paired t-test p",
        "p_mcnemar": "McNemar p per seed",
        "interval": "{lo} to {hi}",
        # conclusions
        "c_best": "{row} is the most accurate row: {acc} against {acc2} for the next one, "
        "{row2}, and that difference is told apart from zero ({how}).",
        "c_tie": "{rows} reach the same test accuracy within what this study can tell "
        "({accs}); no row is ranked above the others.",
        "c_fw_same": "{a} and {b} train to the same accuracy as far as {n_seeds} can tell: "
        "{b} - {a} = {d} points, and the 95% interval of that difference ({lo} to {hi}) "
        "includes 0. In plain words: a gap of either sign, up to the interval's ends, is "
        "consistent with these runs.",
        "c_fw_apart": "{a} and {b} do not train to the same accuracy: {b} - {a} = {d} points, "
        "and the 95% interval of that difference ({lo} to {hi}) over {n_seeds} excludes 0.",
        "c_one_seed": "{a} against {b} on one seed: {acc_a} against {acc_b}, McNemar's test on "
        "the same {n_images} test images gives p = {p} ({verdict}). One seed says nothing of "
        "how much a row moves from seed to seed: run 3 or more seeds before calling it.",
        "c_mcnemar_all": "McNemar's test on the same {n_images} test images agrees: no seed "
        "shows a significant difference at the 5% level.",
        "c_mcnemar_some": "McNemar's test on the same {n_images} test images finds a "
        "significant difference (5% level) in {k} of {n} seeds.",
        "c_detectable": "With {n_seeds} and a seed-to-seed spread of the difference of {sd} "
        "points, only a difference of about {mde} points or more would be detected 4 times in "
        "5; smaller ones stay hidden.",
        "c_speed_faster": "{fast} trains faster: {slow} needs {ratio} times its time per epoch "
        "(95% interval {lo} to {hi}, over {n} seeds run side by side).",
        "c_speed_apart": "{fast} and {slow} are not told apart in speed: {slow} needs {ratio} "
        "times the time per epoch of {fast}, but the 95% interval over {n} seeds run side by "
        "side, {lo} to {hi}, includes 1.",
        "c_speed_one_seed": "{a} and {b} share one seed ({a_s} against {b_s} seconds per epoch, "
        "medians; {b} needs {ratio} times the time of {a}): one pair gives no interval, so "
        "neither is called faster.",
        "c_speed_unrecorded": "The speeds of {a} and {b} are not compared ({a_s} against {b_s} "
        "seconds per epoch, medians): their runs did not record how busy the machine was, so a "
        "slower epoch may have been a busier machine.",
        "c_speed_busy": "The speeds of {a} and {b} are not compared: other processes used {pct} "
        "of the machine's processor time during one of their runs (more than 5%), so part of "
        "any difference would be theirs.",
        "c_speed_drift_load": "The speeds of {a} and {b} are not compared: the machine's load "
        "average moved by {pct} between their runs (more than 10%), so part of any difference "
        "could be the machine's. These runs predate the record of other processes' share of "
        "the processor, and the load average also counts each framework's own threads.",
        "c_speed_drift_speed": "The speeds of {a} and {b} are not compared: one row's time per "
        "epoch moved by {pct} from seed to seed (more than 10%), although its seeds do the same "
        "arithmetic; the machine's speed changed between the runs, and part of any difference "
        "would be the machine's.",
        "c_speed_hw": "{a} and {b} ran on different machines ({hw_a}; {hw_b}): their times "
        "per epoch are not compared.",
        "c_phase": "The largest difference in where an epoch's time goes is {phase}: {a_s} "
        "seconds for {a} against {b_s} for {b} (medians over epochs; a Keras run counts its "
        "input pipeline inside compute, since tf.data runs it beside the step).",
        "phase_warmup": "warm-up",
        "phase_input": "the input pipeline",
        "phase_compute": "the training step",
        "phase_overhead": "the loop's overhead",
        "phase_validation": "validation",
        "phase_records": "checkpoint and records",
        "c_pretrained": "Pretrained against scratch: {verdict_sentence}",
        "c_pre_gain": "{pre} reaches {acc_pre} against {acc_s} for {scratch} ({d} points, {how}).",
        "c_pre_short": "The pretrained rows trained on {n_pre} images for {e_pre}, the scratch "
        "rows on {n_s} images for {e_s}: a sanity check of the fine-tuning path, not a fair "
        "contest.",
        "c_no_pretrained": "No pretrained row ran ({rows}: their ImageNet weights were not "
        "available), so this study does not answer scratch against pretrained; the notes say "
        "where the files go.",
        "c_earlier": "{row} reaches {acc} where the earlier study reached {theirs_acc}; what "
        "differs: {diffs}.",
        "c_next": "To run next for a stronger answer: {items}.",
        "next_seeds": "{n} seeds, which would detect a difference of 0.5 points",
        "next_more_seeds": "3 or more seeds per row (`--seeds 3`)",
        "next_weights": "the pretrained rows, once their weights are in place "
        "(`--resume` keeps the finished rows)",
        "next_longer": "longer training: validation accuracy of {row} still rose by {d} points "
        "in its last epoch",
        "next_breakdown": "the time breakdown, to see where an epoch's time goes",
        "told_apart": "the 95% interval over seeds excludes 0",
        "ci_includes": "the 95% interval over seeds includes 0",
        "mcnemar_apart": "McNemar p = {p} on the same test images",
        "not_apart_short": "not told apart: {why}",
        "sig": "significant at the 5% level",
        "nsig": "not significant at the 5% level",
        "n_seeds": ("{n} seed", "{n} seeds"),
        "n_epochs": ("{n} epoch", "{n} epochs"),
        "shared_seeds": (
            "seed {seeds} only, the one both rows ran",
            "seeds {seeds} only, those both rows ran",
        ),
        "n_rows_not_run": ("{n} row did not run: {rows}.", "{n} rows did not run: {rows}."),
        "none_compared": "No two rows could be compared on the same test images.",
        # earlier studies, side by side
        "earlier_table": "The earlier studies, number by number, beside this study",
        "this_study": "this study",
        "their_study": "earlier study (theirs)",
        "our_setup": "our setup",
        "their_setup": "their setup",
        "setup_ours": "{px} px, {params} parameters, {epochs}, {device}",
        "cpu": "CPU",
        "gpu": "GPU",
        # reproducibility
        "reproduce": "How to reproduce",
        "versions": "Software",
        "install": "Install, from the repository's folder (the second command runs the tests):",
        "data_from": "Data: CIFAR-10 read from {source}; with no local copy (no --data-dir or "
        "$ALEXNET_CIFAR_DATA) the official archive is downloaded (170 MB) and its MD5 checked.",
        "precision_note": "These runs computed in bf16, which --precision auto chooses on a "
        "processor with bf16 instructions; on one without, auto computes in fp32, which takes "
        "about twice as long.",
        "run_times": "Time: a run took {lo} to {hi} minutes on this machine (training and "
        "validation); the whole study, {total} hours.",
        "run_time_one": "Time: the run took {m} minutes on this machine (training and validation).",
        "run_times_same": "Time: every run took {m} minutes on this machine (training and "
        "validation); the whole study, {total} hours.",
        "dirty_warning": "Warning: this study ran from source with uncommitted changes; the "
        "commit named does not hold all of the code that ran.",
        "mixed_commits": "Warning: the runs come from {n} different commits.",
        "machine": "Machine",
        "date": "Finished",
        "uncommitted": "{commit} with uncommitted changes",
        "commit": "Commit",
        "not_recorded": "not recorded",
        "command": "The command that re-runs this study (finished rows are kept):",
        "recipe": "Recipe of each row",
        "setting": "setting",
        "splits": "Images: {train} for training, {val} held out of the training set for "
        "validation, {test} for testing.",
        "runs": "Run folders (each with config.json, metrics.jsonl, results.json and its "
        "TensorBoard events)",
        "tensorboard": "TensorBoard",
        "hp_optimizer": "optimizer",
        "hp_lr": "learning rate",
        "hp_momentum": "momentum",
        "hp_weight_decay": "weight decay",
        "hp_decay_on": "decay applies to",
        "hp_schedule": "learning-rate schedule",
        "hp_batch_size": "batch size",
        "hp_augment": "augmentation",
        "hp_cutout": "cutout (px)",
        "hp_label_smoothing": "label smoothing",
        "hp_ema": "weight average (EMA)",
        "hp_tta": "test-time augmentation",
        "hp_input_size": "input (px)",
        "hp_precision": "number format",
        "hp_epochs": "epochs",
        "hp_batchnorm": "BatchNorm",
        "hp_limit_train": "training images used",
        "hp_dropout": "dropout",
        "hp_classes": "classes",
        "hp_channels": "colour channel order",
        "v_rgb": "RGB",
        "v_bgr": "BGR (reversed)",
        "v_all_classes": "all ten",
        "hp_finetune": "fine-tuning",
        "hp_step_size": "epochs between steps of the rate",
        "v_limit_train_all": "all",
        "v_ema_none": "not used",
        "v_tta_none": "not used",
        "v_cutout_none": "not used",
        "v_all": "all",
        "v_head": "new last layer only",
        "v_full": "every layer at one rate",
        "v_discriminative": "backbone at a lower rate",
        "v_sgd": "SGD",
        "v_adam": "Adam",
        "v_adamw": "AdamW",
        "and": "{a} and {b}",
        "cores": "{cpu}, {n} cores",
        "v_weights": "weights only",
        "v_none": "none",
        "v_yes": "yes",
        "v_no": "no",
        "v_flip": "horizontal flip",
        "v_crop": "random crop after 4 px padding, and horizontal flip",
        "v_standard": "horizontal flip, shifts of up to an eighth of the side, rotation of up to "
        "10° and zoom of up to 10%",
        "v_cosine": "cosine",
        "v_onecycle": "one-cycle",
        "v_step": "step",
        "v_plateau": "cut on plateau",
        # notes
        "notes": "Notes",
        "skip_weights": "{rows}: {title} could not be downloaded where the study ran. Put "
        "{file} into {cache}/ or pass --weights path/to/{file} (the file is at {where}).",
        "skip_local": "{rows}: {title} were not found where the study ran. Put {file} into "
        "{cache}/ or pass --weights path/to/{file} (the file is at {where}).",
        "failed_note": "{rows}: failed with this error (the program's own words): {reason}",
        "incomplete_note": "{rows}: the run in {path} did not finish (no results.json); "
        "`alexnet-cifar train --resume {path}` finishes it.",
        "interrupted_note": "{rows}: stopped before it finished; re-run the command above.",
        "hardware_note": "Hardware: {hw}. Times are medians over every epoch of every seed.",
        "earlier_note": "The earlier studies' numbers are theirs, not ours (all on a Colab GPU).",
        "src_torchvision": "torchvision's AlexNet ImageNet weights",
        "src_caffe-npy": "the Caffe AlexNet weights",
        "src_keras-vgg16": "Keras VGG16 ImageNet weights",
        # figures
        "figures": "Figures",
        "curves": "Learning curves",
        "curves_title": "Mean of {seeds}, band: worst to best seed; validation: {val} "
        "images held out of the training set",
        "over_time": "Validation accuracy against wall-clock time (mean over seeds)",
        "minutes": "minutes of training and validation",
        "bars": "Per-class test accuracy (mean over seeds, bars: standard deviation)",
        "confusion": "Confusion matrix",
        "confusion_title": "{row}: % of each true class, mean of {seeds}",
        "confusion_diff": "Difference of confusion matrices",
        "confusion_diff_title": "{a} against {b}, percentage points of each true class",
        "confusion_diff_legend": "points in favour of {a} (red) or of {b} (blue): more right "
        "on the diagonal, fewer confused off it",
        "confusion_diff_noise": "a class's accuracy moves by up to {sd} points (sd) between seeds",
        "ph_warmup": "warm-up",
        "ph_input": "input",
        "ph_compute": "training step",
        "ph_overhead": "loop overhead",
        "ph_validation": "validation",
        "ph_records": "checkpoint and records",
        "phases_title": "Where an epoch's time goes (mean per epoch; bar: range of the whole "
        "epoch). Keras's input pipeline (tf.data) runs beside the training step, so its input "
        "work is counted in compute; PyTorch's input is timed on its own",
        "times": "Time per epoch (every epoch of every seed)",
        "seconds": "seconds per epoch",
        "val_acc": "validation accuracy (%)",
        "test_acc": "test accuracy (%)",
        "train_loss": "training loss",
        "epoch": "epoch",
        "true": "true class",
        "predicted": "predicted class",
    }
}


def catalog_languages() -> list[str]:
    """The languages with a catalog beside the English source."""
    folder = resources.files(__package__).joinpath("locale")
    return sorted(p.name for p in folder.iterdir() if p.joinpath("LC_MESSAGES").is_dir())


LANGUAGES = ("en", *catalog_languages())


@cache
def translations(lang: str) -> gettext.GNUTranslations:
    """The language's .po catalog, compiled by Babel into gettext's binary form."""
    po = resources.files(__package__).joinpath(f"locale/{lang}/LC_MESSAGES/{DOMAIN}.po")
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@cache
def texts(lang: str) -> dict[str, str | tuple[str, str]]:
    """Every key's text in ``lang`` (English where the catalog has no translation, which the
    catalog test refuses): plural entries as their (one, other) forms."""
    if lang == "en":
        return TEXT["en"]
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    found = translations(lang)
    out: dict[str, str | tuple[str, str]] = {}
    for key, english in TEXT["en"].items():
        if isinstance(english, tuple):
            out[key] = tuple(found.npgettext(key, *english, n) for n in (1, 2))
        else:
            out[key] = found.pgettext(key, english)
    return out


class Words:
    """One language's catalog and number format."""

    def __init__(self, lang: str):
        self.lang = lang
        self.text = texts(lang)
        self.locale = Locale.parse(lang)

    def __call__(self, key: str, **fields) -> str:
        return self.text[key].format(**fields)

    def get(self, key: str, default: str) -> str:
        value = self.text.get(key, default)
        return value if isinstance(value, str) else default

    def join(self, items: list[str]) -> str:
        """ "a, b and c" / "a, b y c"."""
        items = list(items)
        if len(items) < 2:
            return "".join(items)
        return self("and", a=", ".join(items[:-1]), b=items[-1])

    def plural(self, key: str, n: int, **fields) -> str:
        if self.lang == "en":
            one, other = self.text[key]
            form = one if n == 1 else other
        else:
            form = translations(self.lang).npgettext(key, *TEXT["en"][key], n)
        return form.format(n=self.count(n), **fields)

    def num(self, x: float, digits: int = 2, sign: bool = False) -> str:
        """A decimal number in the locale's format: "1,234.50" / "1234,50", "12.345,50"."""
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return self.text["na"]
        x = round(float(x), digits) + 0.0  # no "-0.00"
        grouped = abs(x) >= 10 ** (3 + MIN_GROUPING.get(self.lang, 1) - 1)
        pattern = ("#,##0" if grouped else "0") + ("." + "0" * digits if digits else "")
        if sign:
            pattern = f"+{pattern};-{pattern}"
        return format_decimal(x, format=pattern, locale=self.locale)

    def count(self, n: int) -> str:
        return self.num(n, 0)

    def pct(self, fraction: float | None, digits: int = 2) -> str:
        """A percentage with the locale's sign and spacing: "80.55%" / "80,55 %"."""
        if fraction is None:
            return self.text["na"]
        pattern = self.locale.percent_formats[None].pattern
        return self.num(100 * fraction, digits) + pattern[pattern.rindex("0") + 1 :]

    def date(self, when: dt.date) -> str:
        """A date in the locale's long form: "November 30, 2026" / "30 de noviembre de 2026"."""
        return format_date(when, format="long", locale=self.locale)

    def points(self, fraction: float, digits: int = 2, sign: bool = True) -> str:
        """A difference of accuracies in percentage points."""
        return self.num(100 * fraction, digits, sign=sign)

    def minutes(self, seconds: float) -> str:
        """A duration as "5 min 33 s" (both languages abbreviate alike)."""
        whole = round(seconds)
        return f"{whole // 60} min {whole % 60:02d} s" if whole >= 60 else f"{whole} s"

    def time_to(self, row: dict, mark: str = "85") -> str:
        """Minutes until validation first reached ``mark``% (median over the seeds that did)."""
        runs, reached = len(row["runs"]), row.get(f"reached_{mark}", 0)
        if row.get(f"time_to_{mark}") is None:
            return self("not_reached")
        minutes = f"{self.num(row[f'time_to_{mark}'] / 60, 1)} min"
        return minutes if reached == runs else f"{minutes} ({reached}/{runs})"

    def p_value(self, p: float) -> str:
        return self.num(p, 2 if p >= 0.01 else 4) if p >= 1e-4 else "<" + self.num(0.0001, 4)

    def value(self, v) -> str:
        """A hyperparameter's value in words where it has some."""
        if isinstance(v, bool):
            return self.text["v_yes" if v else "v_no"]
        if v is None:
            return self.text["v_none"]
        if isinstance(v, float):
            return self.num(v, 4).rstrip("0").rstrip(".,") if v else "0"
        if isinstance(v, int):
            return self.count(v)
        return self.get(f"v_{v}", str(v))
