.PHONY: install test lint format bench demo

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
