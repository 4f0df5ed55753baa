"""Outbound integrations: clients of services across the network, behind the core's ports."""
