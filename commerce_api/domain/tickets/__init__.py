"""Event tickets: door checks, free bookings and the tickets a member holds."""

from commerce_api.domain.tickets._member import MemberTicket, member_tickets
from commerce_api.domain.tickets._service import TicketCheck, book_free, check_ticket

__all__ = ["MemberTicket", "TicketCheck", "book_free", "check_ticket", "member_tickets"]
