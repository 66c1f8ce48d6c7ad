"""SuiteCRM's error objects of the v4_1 API, for its clients.

A method that fails raises `ApiError("<key>")`; the dispatcher answers
{"name": …, "number": …, "description": …} (keys in that order, HTTP 200 as SuiteCRM does).
Names, numbers and descriptions are SuiteCRM's own and stay in English: clients compare them.
An unknown key gives SuiteCRM's "undefined error" object, whose number is the string "-1".
"""

ERRORS = {
    "invalid_login": (
        10,
        "Invalid Login",
        "Login attempt failed please check the username and password",
    ),
    "invalid_session": (11, "Invalid Session ID", "The session ID is invalid"),
    "user_not_configure": (
        12,
        "User Not Configured",
        "Please log into your instance of SugarCRM to configure your user. ",
    ),
    "no_module": (20, "Module Does Not Exist", "This module is not available on this server"),
    "no_file": (21, "File Does Not Exist", "The desired file does not exist on the server"),
    "no_module_support": (30, "Module Not Supported", "This module does not support this feature"),
    "no_relationship_support": (
        31,
        "Relationship Not Supported",
        "This module does not support this relationship",
    ),
    "no_access": (40, "Access Denied", "You do not have access"),
    "duplicates": (
        50,
        "Duplicate Records",
        "Duplicate records have been found. Please be more specific.",
    ),
    "no_records": (51, "No Records", "No records were found."),
    "no_admin": (
        70,
        "Admin credentials are required",
        "The logged-in user is not an administrator",
    ),
    "resource_management_error": (
        90,
        "Resource Management Error",
        "The resource query limit specified in config.php has been exceeded during execution "
        "of the SOAP method",
    ),
    "invalid_call_error": (
        1000,
        "Invalid call for this module",
        "This is an invalid call for this module. Please look at WSDL file for details",
    ),
    "invalid_data_format": (
        1001,
        "Invalid data sent",
        "The data sent for this function is invalid. Please look at WSDL file for details",
    ),
    "password_expired": (
        1008,
        "Password Expired",
        "Your password has expired. Please provide a new password.",
    ),
    "lockout_reached": (
        1009,
        "Password Expired",
        "You have been locked out of the Sugar application and cannot log in using existing "
        "password. Please contact your Administrator.",
    ),
}


class ApiError(Exception):
    """A v4_1 fault: `key` names one of SuiteCRM's errors (ERRORS)."""

    def __init__(self, key: str, status: int = 200, retry_after: int | None = None):
        super().__init__(key)
        self.key = key
        self.status = status
        self.retry_after = retry_after

    def as_dict(self) -> dict:
        return error_object(self.key)


def error_object(key: str) -> dict:
    """SuiteCRM's error object for `key`, keys in SuiteCRM's order."""
    if key not in ERRORS:
        return {
            "name": f"An Undefined Error - {key} occurred",
            "number": "-1",
            "description": f"There is no error definition for {key}",
        }
    number, name, description = ERRORS[key]
    return {"name": name, "number": number, "description": description}
