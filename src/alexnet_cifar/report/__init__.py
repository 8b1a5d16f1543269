"""The study report: tables, figures, significance and findings, from run directories only."""

from .render import FORMATS, write_report

__all__ = ["FORMATS", "write_report"]
