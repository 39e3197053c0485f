"""Event tickets: door checks and free bookings."""

from commerce_api.domain.tickets._service import TicketCheck, book_free, check_ticket

__all__ = ["TicketCheck", "book_free", "check_ticket"]
