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
        "xltools.samples": ["*/*"],
    },
    install_requires=[
        "click>=8.1",
        "openpyxl>=3.1",
        "xlsxwriter>=3.1,<4",  # xltools/core/xlsxrows.py leans on its 3.x internals (tests guard it)
        "pandas>=2.0",
        "python-calamine>=0.2",
        "defusedxml>=0.7",
        "PyYAML>=6.0",
        "python-docx>=1.0",
        "docxtpl>=0.16",  # the 通报 is rendered from a Word template the office edits in Word
        "filelock>=3.12",  # the lock of a round shared by collect, distribute and summary
        "olefile>=0.46",  # an .xls's saved time from its OLE summary information
    ],
    # Babel extracts and compiles the catalogs (`make i18n`) and the tests check them; at run time
    # the standard library's gettext reads the compiled .mo, so users do not need it.
    extras_require={"test": ["pytest>=7", "ruff>=0.4", "Babel>=2.15"]},
    entry_points={"console_scripts": ["xltools=xltools.cli:main"]},
)
