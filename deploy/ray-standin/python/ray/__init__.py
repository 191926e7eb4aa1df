"""The stand-in's `ray` Python package: only what the operator's jobs import (README.md beside ../standin)."""
