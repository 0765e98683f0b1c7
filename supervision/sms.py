"""SMS gateways for reminders (提示短信), chosen by settings.COURTDASH_SMS_GATEWAY (a dotted path).

- LogGateway (default): logs the message and records it in SmsMessage; nothing leaves the
  machine. Right for development, tests and courts without an SMS service.
- HttpGateway: POSTs JSON {"mobile", "text", "reference"} to COURTDASH_SMS_HTTP_URL (with
  `Authorization: Bearer COURTDASH_SMS_HTTP_TOKEN` when set); a 2xx answer is success. The
  reference is stable per reminder (for a person's SMS of a day, which bundles their reminders:
  per person and day), so a gateway can drop the repeat of a message that a dying worker sent
  but could not mark as sent.

A court's own gateway is a subclass of SmsGateway with a `deliver` method, named in settings.
"""

from __future__ import annotations

import datetime
import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

from supervision.models import Reminder, SmsMessage

logger = logging.getLogger("courtdash.sms")


class SmsError(Exception):
    """The gateway did not accept the message."""


class SmsGateway:
    """Send one SMS; every message handed over is recorded in SmsMessage."""

    name = "base"

    def send(
        self,
        *,
        mobile: str,
        text: str,
        reminder: Reminder | None = None,
        recipient=None,
        day: datetime.date | None = None,
    ) -> SmsMessage:
        """Send, and record. A person's SMS of a day (recipient and day given) bundles their
        reminders: its reference is the person and the day, the same for a repeat."""
        reference = (
            _bundle_reference(recipient, day)
            if recipient is not None and day
            else _reference(reminder)
        )
        status, response = self.deliver(mobile=mobile, text=text, reference=reference)
        return SmsMessage.objects.create(
            mobile=mobile,
            text=text,
            gateway=self.name,
            status=status,
            response=response[:2000],
            reminder=reminder,
            recipient=recipient,
            day=day,
        )

    def deliver(self, *, mobile: str, text: str, reference: str) -> tuple[str, str]:
        """Hand the message over; return (status, the gateway's answer) or raise SmsError."""
        raise NotImplementedError


class LogGateway(SmsGateway):
    name = "log"

    def deliver(self, *, mobile: str, text: str, reference: str) -> tuple[str, str]:
        logger.info("SMS to %s [%s]: %s", mobile, reference, text)
        return "logged", ""


class HttpGateway(SmsGateway):
    name = "http"

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float = 0):
        self.url = url or settings.COURTDASH_SMS_HTTP_URL
        self.token = token if token is not None else settings.COURTDASH_SMS_HTTP_TOKEN
        self.timeout = timeout or settings.COURTDASH_SMS_HTTP_TIMEOUT
        if not self.url:
            raise SmsError("COURTDASH_SMS_HTTP_URL is not set")

    def deliver(self, *, mobile: str, text: str, reference: str) -> tuple[str, str]:
        payload = json.dumps({"mobile": mobile, "text": text, "reference": reference})
        request = urllib.request.Request(
            self.url,
            data=payload.encode(),
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return "sent", response.read(2000).decode(errors="replace")
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SmsError(f"SMS gateway {self.url}: {error}") from error


def _reference(reminder: Reminder | None) -> str:
    return f"courtdash-reminder-{reminder.pk}" if reminder is not None else ""


def _bundle_reference(recipient, day: datetime.date) -> str:
    return f"courtdash-sms-{recipient.pk}-{day.isoformat()}"


def get_gateway() -> SmsGateway:
    return import_string(settings.COURTDASH_SMS_GATEWAY)()
