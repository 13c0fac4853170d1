"""Working days in Asia/Shanghai by the official PRC calendar (DOMAIN §9)."""
