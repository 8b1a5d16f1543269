"""Everything the report shows in words, in English and Spanish, and each language's way of
writing numbers: "80.55%" and "4,415,626" in English, "80,55 %" and "4 415 626" in Spanish.

Plural entries are (one, other) pairs; ``Words.plural`` picks by the count.
"""

from __future__ import annotations

import math

NBSP = "\u00a0"  # keeps "80,55 %" and "10 000" on one line

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
        "scratch up to {n} images per class, the most this study trains with.",
        "tr_stops": "From {n} images per class on, the fine-tuned source network is no longer "
        "ahead of training from scratch in either framework.",
        "tr_never": "The fine-tuned source network is ahead of training from scratch at no size.",
        "tr_mixed": "The fine-tuned source network is not ahead of training from scratch with "
        "{sizes} images per class.",
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
        "na": "n/a",
        "not_run_cell": "not run: {why}",
        "why_skipped": "weights not available",
        "why_failed": "error",
        "why_interrupted": "stopped; --resume continues it",
        "why_incomplete": "unfinished, no results.json",
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
        "seconds per epoch, medians): their runs did not record the machine's load and speed, "
        "so a slower epoch may have been a busier or slower machine.",
        "c_speed_drift": "The speeds of {a} and {b} are not compared: the machine's {what} "
        "moved by {pct} between their runs (more than 10%), so part of any difference would "
        "be the machine's.",
        "state_load": "load",
        "state_speed": "speed (measured before each run)",
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
        "dirty_warning": "Warning: this study ran from source with uncommitted changes; the "
        "commit named does not hold all of the code that ran.",
        "mixed_commits": "Warning: the runs come from {n} different commits.",
        "machine": "Machine",
        "date": "Finished",
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
        "cores": "{cpu} ({n} cores)",
        "v_weights": "weights only",
        "v_none": "none",
        "v_yes": "yes",
        "v_no": "no",
        "v_flip": "horizontal flip",
        "v_crop": "random crop after 4 px padding, and horizontal flip",
        "v_standard": "random crop and horizontal flip",
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
    },
    "es": {
        "gallery": "Imágenes de test",
        "gallery_confused": "El par que más se confunde: {a} y {b} (real → predicha)",
        "gallery_sample": "Una muestra al azar (real → predicha; verde: acierto, rojo: fallo)",
        "gallery_title": "{row}, semilla {seed}",
        "gallery_no_data": "Sin galería de imágenes de test: no se encontró CIFAR-10 donde se "
        "generó este informe; `alexnet-cifar report DIR --data-dir RUTA` la dibuja.",
        "gallery_other_data": "Sin galería de imágenes de test: el CIFAR-10 que hay aquí no es "
        "el conjunto con el que se evaluaron estas ejecuciones (sus etiquetas no coinciden).",
        "glossary": "Glosario",
        "g_ema_term": "Media móvil de los pesos (EMA)",
        "g_ema": "los pesos con los que se evalúa son una media móvil exponencial de los pesos "
        "de los últimos pasos de entrenamiento, lo que suaviza el ruido de las últimas "
        "actualizaciones.",
        "g_tta_term": "Aumento en el test (TTA)",
        "g_tta": "cada imagen de test se clasifica tal cual y volteada horizontalmente, y se "
        "promedian las dos predicciones.",
        "g_onecycle_term": "Calendario de un ciclo (one-cycle)",
        "g_onecycle": "la tasa de aprendizaje sube desde un valor pequeño hasta su máximo en la "
        "primera parte del entrenamiento y después baja casi hasta cero en el último paso.",
        "g_smoothing_term": "Suavizado de etiquetas",
        "g_smoothing": "el objetivo de entrenamiento asigna a la clase correcta algo menos del "
        "100 % (el 90 % con un suavizado de 0,1) y reparte el resto entre las demás clases, "
        "para que la red no tienda a la certeza absoluta.",
        "g_mcnemar_term": "Prueba de McNemar",
        "g_mcnemar": "compara dos modelos sobre las mismas imágenes de test teniendo en cuenta "
        "solo las que uno acierta y el otro falla; una p pequeña indica que es poco probable "
        "que la diferencia se deba al azar en esas imágenes, y no dice nada de otras semillas.",
        "g_interval_term": "Intervalo del 95 %",
        "g_interval": "un rango que, calculado del mismo modo en 95 de cada 100 repeticiones, "
        "contiene el valor verdadero; entre semillas se obtiene de la variación entre "
        "ejecuciones y, sobre las imágenes de test, remuestreando el conjunto de test "
        "(bootstrap).",
        "g_bf16_term": "bf16 (bfloat16)",
        "g_bf16": "un formato numérico de 16 bits con el rango de los números de 32 bits y "
        "menos precisión. Lo usan las GPU desde Ampere y las CPU con avx512_bf16 o AMX; "
        "cualquier otra CPU calcula en fp32, en aproximadamente el doble de tiempo.",
        "not_in_study": "no forma parte de este estudio",
        "their_row": "modelo del estudio anterior",
        "d_px": "imágenes de {ours} px en lugar de {theirs} px",
        "d_epochs": "{ours} épocas en lugar de {theirs}",
        "d_bn_added": "BatchNorm, que aquel estudio no usaba",
        "d_bn_removed": "sin BatchNorm, que aquel estudio sí usaba",
        "d_optimizer": "{ours} en lugar de {theirs}",
        "d_schedule": "una tasa de aprendizaje con calendario de {schedule}",
        "d_smoothing": "suavizado de etiquetas de {x}",
        "d_augment": "aumento de datos por {how}",
        "d_ema": "media móvil de los pesos (EMA)",
        "d_tta": "aumento en el test por {how} (sin él, {single})",
        "d_unknown": "nada que la descripción del estudio anterior permita saber",
        "lbl_scratch": "{fw} desde cero",
        "lbl_pretrained": "{fw} con {source}",
        "lbl_source": "la red de origen en {fw}",
        "s_best": "{best} es el más exacto: acierta el {acc} de las imágenes de test, frente al "
        "{acc2} de {second}.",
        "s_level": "{rows} quedan igualados: {accs} de aciertos en test, una diferencia que este "
        "estudio no distingue del ruido entre semillas.",
        "s_one": "{row} acierta el {acc} de las imágenes de test.",
        "s_time": "En {hw}, una época tarda {parts}; {verdict}.",
        "s_time_part": "{s} s ({row})",
        "s_faster": "{fast} entrena {ratio} veces más rápido",
        "s_speed_open": "con estas ejecuciones no se puede saber cuál de las dos es más rápida",
        "s_not_run": (
            "{rows} no se ejecutó (véanse las notas).",
            "{rows} no se ejecutaron (véanse las notas).",
        ),
        "s_transfer": "Ajustada a partir de la red de origen, {fw} llega {parts}.",
        "s_transfer_part": "al {ft} frente al {sc} desde cero con {n} imágenes por clase",
        "fw_pytorch": "PyTorch",
        "fw_keras": "Keras",
        "t_transfer": "transferencia entre sus clases",
        "transfer": "transferencia",
        "all_rows": "Todas las configuraciones del estudio",
        "tr_start": "punto de partida",
        "tr_per_class": ("{n} imagen por clase", "{n} imágenes por clase"),
        "tr_kind_scratch": "desde cero ({fw})",
        "tr_kind_head": "solo la nueva última capa ({fw})",
        "tr_kind_finetune": "red entera ajustada ({fw})",
        "tr_kind_mismatched": "ajustada con los canales en el orden contrario ({fw})",
        "tr_from_other": "{line}, a partir del origen en {fw}",
        "tr_pts": "{d} puntos",
        "tr_table": "Tarea de destino: exactitud en el test según el punto de partida y las "
        "imágenes de entrenamiento por clase",
        "tr_gain_table": "Tarea de destino: cada punto de partida menos el entrenamiento desde "
        "cero, en puntos (intervalo del 95 % entre semillas; p de McNemar con una sola semilla)",
        "tr_sources": "En sus propias {k} clases, las redes de origen aciertan {parts} de las "
        "imágenes de test (entrenadas con {n} imágenes).",
        "tr_source_part": "el {acc} en {fw}",
        "tr_gain": "Con {n} imágenes de entrenamiento por clase, frente a entrenar desde cero: "
        "{parts}.",
        "tr_helps_everywhere": "Ajustar la red de origen sigue superando al entrenamiento desde "
        "cero incluso con {n} imágenes por clase, el máximo de este estudio.",
        "tr_stops": "A partir de {n} imágenes por clase, la red de origen ajustada ya no supera "
        "al entrenamiento desde cero en ninguna de las dos bibliotecas.",
        "tr_never": "La red de origen ajustada no supera al entrenamiento desde cero con ningún "
        "tamaño de la muestra.",
        "tr_mixed": "La red de origen ajustada no supera al entrenamiento desde cero con {sizes} "
        "imágenes por clase.",
        "tr_mismatch": "Si recibe los canales de color en el orden contrario al que vio el "
        "origen ({fw}), el ajuste fino cambia en {parts}.",
        "tr_mismatch_part": "{d} frente al mismo punto de partida con el orden correcto y {ds} "
        "frente a entrenar desde cero, con {n} imágenes por clase",
        "tr_fw_part": "{d} con {n} imágenes por clase",
        "tr_fw_same": "Ajustadas a partir de los mismos pesos de origen, Keras menos PyTorch: "
        "{parts}; las dos bibliotecas no se distinguen con ningún tamaño.",
        "tr_fw_apart": "Ajustadas a partir de los mismos pesos de origen, Keras menos PyTorch: "
        "{parts}; difieren con {sizes} imágenes por clase.",
        "tr_crossed_same": "Ajustada en {fw} a partir del origen en {src} en lugar del de "
        "{main}, con {n} imágenes por clase: {acc} frente a {acc_main}, una diferencia de {d}; "
        "no se distinguen, así que portar los pesos de una biblioteca a otra en el sentido "
        "contrario sirve igual.",
        "tr_crossed_apart": "Ajustada en {fw} a partir del origen en {src} en lugar del de "
        "{main}, con {n} imágenes por clase: {acc} frente a {acc_main}, una diferencia de {d}; "
        "los dos puntos de partida se distinguen.",
        "tr_earlier": "Los estudios anteriores ajustaron pesos de ImageNet a 224 px con las diez "
        "clases: {parts}. Su origen era ImageNet (1,28 millones de imágenes de 1000 clases); "
        "aquí son {k} clases de CIFAR-10 ({n} imágenes de {px} px) que no comparten ninguna "
        "imagen ni etiqueta con el destino, de modo que estas ganancias miden lo que aporta un "
        "origen pequeño y parecido, no lo que aporta ImageNet.",
        "tr_earlier_part": "{fw}, {pre} frente a {scratch} desde cero ({d} puntos)",
        "tr_figure": "Exactitud en el test de destino según las imágenes de entrenamiento por "
        "clase",
        "tr_fig_x": "imágenes de entrenamiento por clase (escala logarítmica)",
        "tr_chance": "azar ({pct})",
        "tr_bands": "líneas: media de {seeds}; bandas: del peor al mejor resultado entre semillas",
        "title": "AlexNet en CIFAR-10",
        "t_starts": "desde cero frente a preentrenada",
        "t_frameworks": "PyTorch frente a Keras",
        "single_view": "una sola vista (sin aumento en el test)",
        "preset": "Configuración",
        "preset_line": "Configuración predefinida «{name}».",
        "conclusions": "Conclusiones",
        "headline": "Resultados",
        "details": "Detalle de cada configuración",
        "row": "configuración",
        "framework": "biblioteca",
        "model": "modelo",
        "init": "pesos iniciales",
        "init_scratch": "desde cero",
        "init_imagenet": "pesos de ImageNet",
        "precision": "formato numérico",
        "accuracy": "exactitud en test (media de las semillas)",
        "sd": "desviación típica entre semillas",
        "ci": "intervalo del 95 % (imágenes de test)",
        "range": "exactitud mínima y máxima entre semillas",
        "seeds": "semillas",
        "seed": "semilla",
        "epochs": "épocas",
        "sec_epoch": "segundos por época (mediana, rango)",
        "ips": "imágenes de entrenamiento por segundo (mediana)",
        "params": "parámetros",
        "earlier": "estudios anteriores (suyos)",
        "to_85": "tiempo hasta el 85 % de exactitud en validación (mediana)",
        "not_reached": "no lo alcanza",
        "na": "no aplica",
        "not_run_cell": "sin ejecutar: {why}",
        "why_skipped": "faltan los pesos",
        "why_failed": "error",
        "why_interrupted": "detenida; --resume la continúa",
        "why_incomplete": "sin terminar, falta results.json",
        "per_seed": "Exactitud en test por semilla",
        "per_class": "Exactitud en test por clase",
        "class": "clase",
        "significance": "¿Es real la diferencia?",
        "scratch_vs": "desde cero frente a preentrenado",
        "fw_vs": "PyTorch frente a Keras",
        "pairs": "todos los pares",
        "pair": "par",
        "diff_pp": "B - A (puntos)",
        "diff_ci": "intervalo del 95 % entre semillas",
        "p_paired": "p de la prueba t pareada",
        "p_mcnemar": "p de McNemar por semilla",
        "interval": "{lo} a {hi}",
        "c_best": "{row} es la configuración más exacta ({acc}, frente al {acc2} de {row2}), "
        "y la diferencia no se explica por el azar ({how}).",
        "c_tie": "{rows} alcanzan la misma exactitud en test, dentro de lo que este estudio "
        "permite distinguir ({accs}), así que no hay una ganadora clara.",
        "c_fw_same": "{a} y {b} llegan a la misma exactitud, hasta donde permiten ver "
        "{n_seeds}: {b} menos {a} da {d} puntos, con un intervalo del 95 % de {lo} a {hi} que "
        "incluye el 0. Cualquier diferencia dentro de ese intervalo, a favor de una u otra, "
        "es compatible con estas ejecuciones.",
        "c_fw_apart": "{a} y {b} no llegan a la misma exactitud: {b} menos {a} da {d} puntos, "
        "con un intervalo del 95 % sobre {n_seeds} ({lo} a {hi}) que excluye el 0.",
        "c_one_seed": "{a} frente a {b} con una sola semilla: {acc_a} frente a {acc_b}; la "
        "prueba de McNemar sobre las mismas {n_images} imágenes de test da p = {p} "
        "({verdict}). Una semilla no dice cuánto varía una fila de una semilla a otra: "
        "conviene ejecutar 3 semillas o más antes de concluir.",
        "c_mcnemar_all": "La prueba de McNemar sobre las mismas {n_images} imágenes de test "
        "apunta en la misma dirección: en ninguna semilla la diferencia es significativa al "
        "5 %.",
        "c_mcnemar_some": "La prueba de McNemar sobre las mismas {n_images} imágenes de test "
        "encuentra una diferencia significativa (al 5 %) en {k} de {n} semillas.",
        "c_detectable": "Con {n_seeds} y una dispersión de la diferencia entre semillas de {sd} "
        "puntos, solo una diferencia de unos {mde} puntos o más se detectaría 4 de cada 5 "
        "veces; las menores quedan ocultas.",
        "c_speed_faster": "{fast} entrena más rápido: una época de {slow} dura {ratio} veces "
        "lo que una de {fast} (intervalo del 95 %: de {lo} a {hi}, con {n} semillas ejecutadas "
        "alternando el orden).",
        "c_speed_apart": "No se puede afirmar que {fast} sea más rápido que {slow}: una época "
        "de {slow} dura {ratio} veces lo que una de {fast}, pero el intervalo del 95 % con {n} "
        "semillas, de {lo} a {hi}, incluye el 1.",
        "c_speed_one_seed": "{a} y {b} solo comparten una semilla ({a_s} frente a {b_s} "
        "segundos por época, medianas): con un único par no hay intervalo, así que no se "
        "declara a ninguno más rápido.",
        "c_speed_unrecorded": "No se comparan las velocidades de {a} y {b} ({a_s} frente a "
        "{b_s} segundos por época, medianas): sus ejecuciones no registraron la carga ni la "
        "velocidad de la máquina, y una época más lenta puede deberse a una máquina más "
        "ocupada o más lenta ese día.",
        "c_speed_drift": "No se comparan las velocidades de {a} y {b}: la {what} de la "
        "máquina varió un {pct} entre sus ejecuciones (más del 10 %), y parte de cualquier "
        "diferencia sería de la máquina.",
        "state_load": "carga",
        "state_speed": "velocidad (medida antes de cada ejecución)",
        "c_speed_hw": "{a} y {b} se ejecutaron en máquinas distintas ({hw_a}; {hw_b}): sus "
        "tiempos por época no se comparan.",
        "c_phase": "La mayor diferencia en el reparto del tiempo de una época está en "
        "{phase}: {a_s} segundos en {a} frente a {b_s} en {b} (medianas de las épocas; en "
        "Keras la carga de datos cuenta como cómputo, porque tf.data la ejecuta en paralelo "
        "con el paso).",
        "phase_warmup": "el calentamiento",
        "phase_input": "la carga de datos",
        "phase_compute": "el paso de entrenamiento",
        "phase_overhead": "la sobrecarga del bucle",
        "phase_validation": "la validación",
        "phase_records": "el punto de control y los registros",
        "c_pretrained": "Preentrenado frente a desde cero: {verdict_sentence}",
        "c_pre_gain": "{pre} alcanza {acc_pre} frente a {acc_s} de {scratch} ({d} puntos, {how}).",
        "c_pre_short": "Las filas preentrenadas se ajustaron con {n_pre} imágenes durante "
        "{e_pre} y las filas desde cero con {n_s} imágenes durante {e_s}: es una comprobación "
        "del ajuste fino, no una comparación justa.",
        "c_no_pretrained": "Ninguna fila preentrenada se ejecutó ({rows}: faltaban sus pesos de "
        "ImageNet), así que este estudio no responde a desde cero frente a preentrenado; las "
        "notas dicen dónde van los archivos.",
        "c_earlier": "{row} llega al {acc}, donde el estudio anterior llegó al {theirs_acc}; lo "
        "que cambia: {diffs}.",
        "c_next": "Qué ejecutar después para una respuesta más firme: {items}.",
        "next_seeds": "{n} semillas, que detectarían una diferencia de 0,5 puntos",
        "next_more_seeds": "3 semillas o más por fila (`--seeds 3`)",
        "next_weights": "las filas preentrenadas, una vez colocados sus pesos (`--resume` "
        "conserva las filas terminadas)",
        "next_longer": "un entrenamiento más largo: la exactitud de validación de {row} aún "
        "subió {d} puntos en su última época",
        "next_breakdown": "el desglose del tiempo, para ver en qué se va cada época",
        "told_apart": "el intervalo del 95 % entre semillas excluye el 0",
        "ci_includes": "el intervalo del 95 % entre semillas contiene el 0",
        "mcnemar_apart": "p de McNemar = {p} sobre las mismas imágenes de test",
        "not_apart_short": "no se distinguen: {why}",
        "sig": "significativa al 5 %",
        "nsig": "no significativa al 5 %",
        "n_seeds": ("{n} semilla", "{n} semillas"),
        "n_epochs": ("{n} época", "{n} épocas"),
        "shared_seeds": (
            "solo la semilla {seeds}, la que ejecutaron ambas filas",
            "solo las semillas {seeds}, las que ejecutaron ambas filas",
        ),
        "n_rows_not_run": (
            "{n} fila no se ejecutó: {rows}.",
            "{n} filas no se ejecutaron: {rows}.",
        ),
        "none_compared": "No hay dos filas que puedan compararse sobre las mismas imágenes de "
        "test.",
        "earlier_table": "Los estudios anteriores, cifra a cifra, junto a este estudio",
        "this_study": "este estudio",
        "their_study": "estudio anterior (suyo)",
        "our_setup": "nuestra configuración",
        "their_setup": "su configuración",
        "setup_ours": "{px} px, {params} parámetros, {epochs}, {device}",
        "cpu": "CPU",
        "gpu": "GPU",
        "reproduce": "Cómo reproducirlo",
        "versions": "Programas",
        "install": "Instalación, desde la carpeta del repositorio (la segunda orden ejecuta las "
        "pruebas):",
        "data_from": "Datos: CIFAR-10 leído de {source}; si no hay copia local (ni --data-dir "
        "ni $ALEXNET_CIFAR_DATA), se descarga el archivo oficial (170 MB) y se comprueba su MD5.",
        "precision_note": "Estas ejecuciones calcularon en bf16, que es lo que elige "
        "--precision auto en un procesador con instrucciones bf16; en uno sin ellas, auto "
        "calcula en fp32 y tarda aproximadamente el doble.",
        "run_times": "Tiempo: cada ejecución tardó entre {lo} y {hi} minutos en esta máquina "
        "(entrenamiento y validación); el estudio completo, {total} horas.",
        "dirty_warning": "Atención: este estudio se ejecutó con cambios sin confirmar en el "
        "código; la revisión indicada no contiene todo el código que se ejecutó.",
        "mixed_commits": "Atención: las ejecuciones proceden de {n} revisiones distintas.",
        "machine": "Equipo",
        "date": "Terminado",
        "commit": "Revisión de git",
        "not_recorded": "sin registrar",
        "command": "La orden que vuelve a ejecutar este estudio (conserva las filas terminadas):",
        "recipe": "Receta de cada fila",
        "setting": "parámetro",
        "splits": "Imágenes: {train} para entrenar, {val} apartadas del conjunto de "
        "entrenamiento para validar y {test} para el test.",
        "runs": "Carpetas de las ejecuciones (cada una con config.json, metrics.jsonl, "
        "results.json y sus eventos de TensorBoard)",
        "tensorboard": "TensorBoard",
        "hp_optimizer": "optimizador",
        "hp_lr": "tasa de aprendizaje",
        "hp_momentum": "momento",
        "hp_weight_decay": "decaimiento de pesos",
        "hp_decay_on": "el decaimiento se aplica a",
        "hp_schedule": "evolución de la tasa de aprendizaje",
        "hp_batch_size": "tamaño de lote",
        "hp_augment": "aumento de datos",
        "hp_cutout": "cutout: lado del cuadrado borrado (px)",
        "hp_label_smoothing": "suavizado de etiquetas",
        "hp_ema": "media móvil de los pesos (EMA)",
        "hp_tta": "aumento en el test",
        "hp_input_size": "entrada (px)",
        "hp_precision": "formato numérico",
        "hp_epochs": "épocas",
        "hp_batchnorm": "BatchNorm",
        "hp_limit_train": "imágenes de entrenamiento usadas",
        "hp_dropout": "tasa de dropout",
        "hp_classes": "clases",
        "hp_channels": "orden de los canales de color",
        "v_rgb": "RGB",
        "v_bgr": "BGR (invertido)",
        "v_all_classes": "las diez",
        "hp_finetune": "ajuste fino",
        "hp_step_size": "épocas entre escalones de la tasa",
        "v_all": "todos",
        "v_limit_train_all": "todas",
        "v_ema_none": "no se usa",
        "v_tta_none": "no se usa",
        "v_cutout_none": "no se usa",
        "v_head": "solo la nueva última capa",
        "v_full": "todas las capas, a la misma tasa",
        "v_discriminative": "la red base, a una tasa menor",
        "v_sgd": "SGD",
        "v_adam": "Adam",
        "v_adamw": "AdamW",
        "and": "{a} y {b}",
        "cores": "{cpu} ({n} núcleos)",
        "v_weights": "solo los pesos",
        "v_none": "ninguno",
        "v_yes": "sí",
        "v_no": "no",
        "v_flip": "volteo horizontal",
        "v_crop": "recorte aleatorio con relleno de 4 px y volteo horizontal",
        "v_standard": "recorte aleatorio y volteo horizontal",
        "v_cosine": "coseno",
        "v_onecycle": "un ciclo",
        "v_step": "escalones",
        "v_plateau": "baja al estancarse",
        "notes": "Notas",
        "skip_weights": "{rows}: no se pudieron descargar {title} donde se ejecutó el estudio. "
        "Coloque {file} en {cache}/ o pase --weights ruta/a/{file} (el archivo está en "
        "{where}).",
        "skip_local": "{rows}: no se encontraron {title} donde se ejecutó el estudio. Coloque "
        "{file} en {cache}/ o pase --weights ruta/a/{file} (el archivo está en {where}).",
        "failed_note": "{rows}: falló con este error (en palabras del propio programa, en "
        "inglés): {reason}",
        "incomplete_note": "{rows}: la ejecución de {path} no terminó (falta results.json); "
        "`alexnet-cifar train --resume {path}` la termina.",
        "interrupted_note": "{rows}: se detuvo antes de terminar; vuelva a lanzar la orden de "
        "arriba.",
        "hardware_note": "Equipo: {hw}. Los tiempos son medianas sobre todas las épocas de "
        "todas las semillas.",
        "earlier_note": "Las cifras de los estudios anteriores son suyas, no nuestras (todas en "
        "una GPU de Colab).",
        "src_torchvision": "los pesos de ImageNet de la AlexNet de torchvision",
        "src_caffe-npy": "los pesos de la AlexNet de Caffe",
        "src_keras-vgg16": "los pesos de ImageNet de la VGG16 de Keras",
        "figures": "Figuras",
        "curves": "Curvas de aprendizaje",
        "curves_title": "Media de {seeds}, banda: del peor al mejor resultado entre semillas; "
        "validación: {val} imágenes apartadas del conjunto de entrenamiento",
        "over_time": "Exactitud de validación frente al tiempo real (media de las semillas)",
        "minutes": "minutos de entrenamiento y validación",
        "bars": "Exactitud en test por clase (media de las semillas, barras: desviación típica)",
        "confusion": "Matriz de confusión",
        "confusion_title": "{row}: % de cada clase real, media de {seeds}",
        "confusion_diff": "Diferencia de matrices de confusión",
        "confusion_diff_title": "{a} frente a {b}, puntos porcentuales de cada clase real",
        "confusion_diff_legend": "puntos a favor de {a} (rojo) o de {b} (azul): más aciertos "
        "en la diagonal, menos confusiones fuera de ella",
        "confusion_diff_noise": "la exactitud de una clase varía hasta {sd} puntos "
        "(desviación típica) de una semilla a otra",
        "ph_warmup": "calentamiento",
        "ph_input": "carga de datos",
        "ph_compute": "paso de entrenamiento",
        "ph_overhead": "sobrecarga del bucle",
        "ph_validation": "validación",
        "ph_records": "punto de control y registros",
        "phases_title": "En qué se va el tiempo de una época (media por época; barra: rango de "
        "la época entera). En Keras la carga de datos (tf.data) corre en paralelo con el paso "
        "de entrenamiento y su coste queda dentro del cómputo; en PyTorch se mide aparte",
        "times": "Tiempo por época (todas las épocas de todas las semillas)",
        "seconds": "segundos por época",
        "val_acc": "exactitud de validación (%)",
        "test_acc": "exactitud en test (%)",
        "train_loss": "pérdida de entrenamiento",
        "epoch": "época",
        "true": "clase real",
        "predicted": "clase predicha",
    },
}

LANGUAGES = tuple(TEXT)


class Words:
    """One language's catalog and number format."""

    def __init__(self, lang: str):
        self.lang = lang
        self.text = TEXT[lang]

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
        one, other = self.text[key]
        return (one if n == 1 else other).format(n=self.count(n), **fields)

    def num(self, x: float, digits: int = 2, sign: bool = False) -> str:
        """A decimal number: "1,234.50" / "1234,50", "12 345,50"."""
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return self.text["na"]
        x = round(float(x), digits) + 0.0  # no "-0.00"
        text = f"{x:{'+' if sign else ''},.{digits}f}"
        if self.lang == "en":
            return text
        whole, _, frac = text.partition(".")
        digits_only = whole.lstrip("+-").replace(",", "")
        # Spanish groups thousands with a space from five digits on ("4415", "10 000")
        grouped = whole.replace(",", NBSP) if len(digits_only) > 4 else whole.replace(",", "")
        return grouped + ("," + frac if frac else "")

    def count(self, n: int) -> str:
        return self.num(n, 0)

    def pct(self, fraction: float | None, digits: int = 2) -> str:
        if fraction is None:
            return self.text["na"]
        value = self.num(100 * fraction, digits)
        return value + "%" if self.lang == "en" else value + NBSP + "%"

    def points(self, fraction: float, digits: int = 2, sign: bool = True) -> str:
        """A difference of accuracies in percentage points."""
        return self.num(100 * fraction, digits, sign=sign)

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
