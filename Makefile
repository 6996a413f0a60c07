.PHONY: install test lint format bench demo i18n notice-template

install:
	pip install -e '.[test]'

test:
	pytest

lint:
	ruff check xltools tests
	ruff format --check xltools tests

format:
	ruff format xltools tests
	ruff check --fix xltools tests

bench:
	python -m tests.benchmarks

demo:
	xltools demo

# templates/通报.docx, the 通报's Word template, built by its script (commit both)
notice-template:
	python scripts/make_notice_template.py

# The Chinese interface: extract the messages of xltools and click into xltools.pot, merge them
# into the zh_CN catalog (translate the new empty msgstr there, then run it again), compile the .mo.
LOCALE := xltools/locale
CLICK_DIR = $(shell python -c "import click, os; print(os.path.dirname(click.__file__))")
i18n:  # needs Babel (pip install -e .[test])
	pybabel extract -F babel.cfg --sort-output --no-location --no-wrap \
		--project xltools -o $(LOCALE)/xltools.pot xltools $(CLICK_DIR)
	pybabel update -i $(LOCALE)/xltools.pot -d $(LOCALE) -D xltools -l zh_CN \
		--no-fuzzy-matching --no-wrap --ignore-obsolete
	pybabel compile -d $(LOCALE) -D xltools -l zh_CN --statistics
