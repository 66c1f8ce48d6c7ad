"""The settings page's two-factor part: the signed-in user's state (users/_two_factor.html)."""

from django import template

from kontor.users import two_factor

register = template.Library()


@register.simple_tag
def two_factor_state(user) -> dict:
    """Whether `user` has two-factor sign-in on, since when, how many recovery codes are
    left and whether a role requires it."""
    device = two_factor.device_of(user)
    active = device is not None and device.active
    return {
        "device": device,
        "active": active,
        "left": len(device.recovery_hashes) if active else 0,
        "required": two_factor.required_for(user),
    }
