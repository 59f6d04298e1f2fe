"""One module per lesson: the checkers of its exercises (see ``o2gmentor.course.checks``)."""
