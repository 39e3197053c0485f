"""Event tickets: door checks and free bookings."""

from commerce_api.domain.tickets._service import (
    TicketCheck,
    book_free,
    cancel_booking,
    check_ticket,
    is_free_booking,
)

__all__ = ["TicketCheck", "book_free", "cancel_booking", "check_ticket", "is_free_booking"]
