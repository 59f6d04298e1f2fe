"""The satisfaction survey as a notebook form (ipywidgets): one 1–5 choice per question, free text, Submit."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import ipywidgets as w

from o2gmentor.course.acceptance import SURVEY
from o2gmentor.course.logbook import LogbookError

if TYPE_CHECKING:
    from o2gmentor.course.logbook import Logbook

SCALE = [("—", 0), ("1 poor", 1), ("2", 2), ("3", 3), ("4", 4), ("5 excellent", 5)]


class SurveyForm(w.VBox):
    """Fill the survey in a notebook; ``submit()`` (or the button) stores it in the logbook."""

    def __init__(self, book: Logbook, respondent: str = "") -> None:
        self.book = book
        self.ratings = {q: w.ToggleButtons(options=SCALE, value=0, description="",
                                           style={"button_width": "78px"}) for q in SURVEY}
        self.respondent = w.Text(value=respondent, description="Your name", placeholder="who answers")
        self.comments = w.Textarea(description="Comments", placeholder="What went well, what to improve",
                                   layout=w.Layout(width="95%", height="70px"))
        self.button = w.Button(description="Submit", button_style="primary", icon="check")
        self.result = w.HTML("")
        self.saved: int | None = None
        self.button.on_click(lambda _: self.submit())
        rows = [w.VBox([w.HTML(f"<b>{html.escape(text)}</b>"), self.ratings[q]]) for q, text in SURVEY.items()]
        super().__init__([w.HTML("<h4 style='margin:4px 0'>Satisfaction survey</h4>"), *rows, self.respondent,
                          self.comments, w.HBox([self.button, self.result])])

    def set(self, **ratings: int) -> SurveyForm:
        """Choose ratings as a person would click them (e.g. ``form.set(overall=5)``)."""
        for question, value in ratings.items():
            if question not in self.ratings:
                raise LogbookError(f"unknown survey question {question!r}; the questions: {', '.join(SURVEY)}")
            self.ratings[question].value = value
        return self

    def submit(self) -> int | None:
        """Store the answers; the form says what was saved, or which question still needs a rating."""
        missing = [q for q, widget in self.ratings.items() if not widget.value]
        if missing:
            self.result.value = f"<span style='color:#c62828'>Rate every question first (missing: " \
                                f"{html.escape(', '.join(missing))})</span>"
            return None
        try:
            self.saved = self.book.acceptance.fill_survey({q: wd.value for q, wd in self.ratings.items()},
                                                          self.comments.value, self.respondent.value)
        except LogbookError as exc:
            self.result.value = f"<span style='color:#c62828'>{html.escape(str(exc))}</span>"
            return None
        self.result.value = f"<span style='color:#2e7d32'>✅ Saved as answer #{self.saved} — thank you</span>"
        self.button.disabled = True
        return self.saved
