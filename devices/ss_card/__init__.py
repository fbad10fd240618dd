"""Social-security cards (社会保障卡) over PC/SC: see docs/devices/ss_card.md."""

from devices.ss_card.protocol import JSON_KEYS, SocialSecurityCardReader, SsCardRecord, read_card_json

__all__ = ["JSON_KEYS", "SocialSecurityCardReader", "SsCardRecord", "read_card_json"]
