# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Shortcuts for developers; the scripts are the source of truth (README: Quick start).
.PHONY: setup demo test sanity lint docs build lab-up lab-down lab-status

setup:
	./scripts/setup

demo:
	./scripts/demo

test:
	./scripts/test

sanity: setup
	./scripts/sanity

lint: setup
	.venv/bin/ruff check plugins tests bench
	.venv/bin/ansible-lint --offline --profile production

docs: setup
	./scripts/docs

build: setup
	.venv/bin/ansible-galaxy collection build --force --output-path .cache/build

lab-up:
	tests/lab/lab up

lab-down:
	tests/lab/lab down

lab-status:
	tests/lab/lab status
