"""``pcsc_virtual_reader``: real pcscd with the vpcd driver and a virtual card the test controls.

(The full virtual social-security card lives in devices/ss_card; this rig only runs pcscd.)
"""

from __future__ import annotations
