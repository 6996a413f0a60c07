from setuptools import find_packages, setup

setup(
    name="xltools",
    version="0.1.0",
    description="Distribute task lists to units, collect their Excel returns, and report progress",
    python_requires=">=3.10",
    packages=[
        *find_packages(include=["xltools", "xltools.*"]),
        "xltools.templates",
        "xltools.samples",
    ],
    # Form definitions and the bundled sample live at the top of the repository, where an office
    # finds and edits them; installed, they travel inside the package.
    package_dir={
        "xltools": "xltools",
        "xltools.templates": "templates",
        "xltools.samples": "samples",
    },
    package_data={
        # the compiled catalogs (`make i18n`); the workbook theme sheetml writes
        "xltools": ["locale/*/LC_MESSAGES/xltools.mo", "core/theme1.xml"],
        "xltools.templates": ["*.yaml", "*.md", "*.docx"],
        # the sample's files; make_units.py, which wrote units.xlsx, stays in the repository
        "xltools.samples": ["*/*.txt", "*/*.xlsx"],
    },
    # Floors are the oldest releases the whole test suite passed with (2026-11-29: a fresh
    # virtual environment with exactly these, Python 3.11; pandas 2.0.3 with numpy 1.26, as pandas
    # before 2.2.2 is built for numpy 1; filelock 3.12.0, olefile 0.46 too). Raised from what
    # failed: click 8.1 (CliRunner mixes stderr into output), openpyxl 3.1.0 (prints to stdout
    # while reading), pandas 2.0.0 (np.find_common_type warns), python-calamine below 0.5.4 (reads
    # _x0041_ escapes and control characters undecoded), python-docx 1.0 (no iter_inner_content,
    # parse_xml), xlsxwriter 3.1.0-3.2.0 (the identity embedding) and 3.2.x (no row_info, so
    # xlsxrows is off). No upper pins: xlsxrows checks the XlsxWriter version itself and writes
    # cell by cell, warning, outside the releases it was checked with.
    install_requires=[
        "click>=8.2",
        "openpyxl>=3.1.2",
        "xlsxwriter>=3.3",
        "pandas>=2.0.3",
        "python-calamine>=0.5.4",
        "defusedxml>=0.7",
        "PyYAML>=6.0",
        "python-docx>=1.1",
        "docxtpl>=0.16",  # the 通报 is rendered from a Word template the office edits in Word
        "filelock>=3.12",  # the lock of a round shared by collect, distribute and summary
        "olefile>=0.46",  # an .xls's saved time from its OLE summary information
    ],
    # Babel extracts and compiles the catalogs (`make i18n`) and the tests check them; at run time
    # the standard library's gettext reads the compiled .mo, so users do not need it.
    extras_require={"test": ["pytest>=7", "ruff>=0.4", "Babel>=2.15"]},
    entry_points={"console_scripts": ["xltools=xltools.cli:main"]},
)
