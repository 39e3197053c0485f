"""SumUp's webhook: the server-to-server signal that a checkout changed."""

from commerce_api.domain.payments.controllers import checkout_id_of, sumup_webhook

__all__ = ["checkout_id_of", "sumup_webhook"]
