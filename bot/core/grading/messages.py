"""The grading commands' own texts, Simplified Chinese first and English second.

Texts shared with the interview feedback (verdicts, guards, covered/missed headings) come from the
core catalogue `bot.core.i18n`; only what exists nowhere else is here. Same shape and rule as that
catalogue, so the two can be merged.
"""

from __future__ import annotations

_MESSAGES: dict[str, tuple[str, str]] = {
    "grading.unknown_question": (
        "题库里没有这道题：“{name}”。可以用题目 id、题目原文或它的任一种问法。",
        "No question in the bank matches “{name}”. Use the question's id, its text or any of "
        "its phrasings.",
    ),
    "grading.unreadable_answer": (
        "读不了答案文件 {path}：{reason}",
        "Cannot read the answer file {path}: {reason}",
    ),
    "grading.bank_problems": (
        "题库有问题，请先修正：\n{problems}",
        "The question bank has problems; fix them first:\n{problems}",
    ),
    "grading.bad_labelled_set": (
        "标注集无法使用：{reason}",
        "The labelled set is unusable: {reason}",
    ),
    "grading.score_line": ("得分 {score}/100 · {verdict}", "Score {score}/100 · {verdict}"),
    "grading.question_line": ("题目 [{id}]：{question}", "Question [{id}]: {question}"),
    "grading.guards_line": ("触发的规则：{guards}", "Guards: {guards}"),
    "grading.judge_failed": (
        "LLM 评审未给出可用结果，沿用离线评分。",
        "The LLM judge gave no usable result; the offline grade stands.",
    ),
    "grading.judge_unset": (
        "未配置 LLM 评审（LLM_JUDGE_BASE_URL、LLM_JUDGE_MODEL）。",
        "No LLM judge is configured (LLM_JUDGE_BASE_URL, LLM_JUDGE_MODEL).",
    ),
    "grading.eval_summary": (
        "{answers} 个回答 · Spearman {spearman} · 每秒评分 {rate} 次（{grader} {version}）",
        "{answers} answers · Spearman {spearman} · {rate} grades/s ({grader} {version})",
    ),
    "grading.eval_label": (
        "标签 {label}：平均 {mean}（{count} 个）",
        "label {label}: mean {mean} ({count} answers)",
    ),
    "grading.eval_max0": ("标签 0 的最高分：{score}", "Highest score of a label-0 answer: {score}"),
    # Feedback on the answer itself, shown with the grade; the interview feedback uses them too.
    "grading.misconception": (
        "❗ 这一点说错了：{claim}（正确的是：{correct}）",
        "❗ This is wrong: {claim} (what is right: {correct})",
    ),
    "guard.terms-without-claims": (
        "回答罗列了术语，却没有说明它们是什么、起什么作用，按说清楚的要点计分。",
        "The answer lists terms without explaining them; only the points it states are credited.",
    ),
    "guard.misconception": (
        "回答中有说错的地方，分数已封顶。",
        "The answer states something wrong; the grade is capped.",
    ),
    "grading.eval_row": (
        "  {label} → {score:>5}  {id}  {guards}{text}",
        "  {label} → {score:>5}  {id}  {guards}{text}",
    ),
}


def message(locale: str, key: str, **params: object) -> str:
    zh, en = _MESSAGES[key]
    template = en if locale == "en" else zh
    return template.format(**params) if params else template


def keys() -> list[str]:
    return list(_MESSAGES)


def guard_note(locale: str, guard: str) -> str | None:
    """The note for a guard whose text lives here rather than in the core catalogue."""
    key = f"guard.{guard}"
    return message(locale, key) if key in _MESSAGES else None


def misconception_lines(locale: str, stated: list[dict[str, object]]) -> list[str]:
    """One "❗" line per misconception stored with a grade (`GradeResult.misconceptions`)."""
    return [
        message(
            locale,
            "grading.misconception",
            claim=str(item.get("claim", "")).rstrip("。."),
            correct=str(item.get("correct", "")).rstrip("。."),
        )
        for item in stated
        if isinstance(item, dict) and item.get("claim")
    ]
